/**
 * `/extract/{sync,async}/*`: every built-in extractor, in both handler kinds. Declared without
 * decorators (`defineController`): the extractors listed after a route's path are its handler's
 * parameters, in order, as with the decorators.
 */
import type { z } from 'zod'
import { defineController, depends, get, header, Int, json, path, post, query } from '../../../impl/index.ts'
import { Item } from '../schemas.ts'

/** A dependency provider: resolved once per request, shared by everything that depends on it. */
export const resolved = (): string => 'resolved'

/** The routes of both controllers: same paths and extractors, one with sync handlers, one with async ones. */
const routes = {
  path: get('/path/{id}', path('id', Int)),
  query: get('/query', query('q'), query('n', Int)),
  json: post('/json', json(Item)),
  header: get('/header', header('x-token')),
  depends: get('/depends', depends(resolved)),
}

export class ExtractSync {
  path(id: number) { return { id } }
  query(q: string, n: number) { return { q, n } }
  json(item: z.infer<typeof Item>) { return item }
  header(token: string) { return { token } }
  depends(dep: string) { return { dep } }
}

defineController(ExtractSync, { prefix: '/extract/sync', routes })

export class ExtractAsync {
  async path(id: number) { return { id } }
  async query(q: string, n: number) { return { q, n } }
  async json(item: z.infer<typeof Item>) { return item }
  async header(token: string) { return { token } }
  async depends(dep: string) { return { dep } }
}

defineController(ExtractAsync, { prefix: '/extract/async', routes })
