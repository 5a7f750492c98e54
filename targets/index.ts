/**
 * The built-in targets, by name, in the order runs list them. Adding a target: a folder whose
 * `index.ts` exports `target: TargetSpec` (see spec.ts), and its entry here.
 */
import { target as express } from './express/index.ts'
import { target as fastifyPiscina } from './fastify-piscina/index.ts'
import { target as fastify } from './fastify/index.ts'
import { target as nodeHttp } from './node-http/index.ts'
import { target as reference } from './reference/index.ts'
import { registry } from './spec.ts'

export const targets = registry([reference, express, fastify, fastifyPiscina, nodeHttp])
