/**
 * The built-in extractors: Path, Query, Header, Json, Depends, Inject, and the request resolver
 * and offloader. Each is an `Extractor<T>`, so a handler's parameter types follow from the list
 * of extractors its route declares.
 */
import { types } from 'node:util'
import { z } from 'zod'
import type { Token } from '../di/injectable.ts'
import { HttpError, validationError } from '../errors.ts'
import { constructValidated, modelSchema, type ModelClass } from '../model.ts'
import type { Offloader } from '../dispatch/offload-types.ts'
import type { BackgroundTasks } from '../dispatch/background.ts'
import type { RequestContext } from './context.ts'
import type { Extractor } from './extractor.ts'
import { type Infer, type Schema, validate, validateOrThrow } from './schema.ts'

/** Integer from a path, query or header string: `"42"` → 42; `"4.2"`, `""`, `"x"` → 422. */
export const Int = z
  .string()
  .regex(/^[+-]?\d+$/, 'expected an integer')
  .transform(Number)
  .pipe(z.number().int().safe('integer out of range'))

/** Number from a string: `"3.5"` → 3.5; `""`, `"x"` → 422. */
export const Num = z
  .string()
  .regex(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/, 'expected a number')
  .transform(Number)

const Str = z.string()

function firstValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}

function fromString<T>(
  source: string,
  name: string,
  raw: string | undefined,
  schema: Schema<T>,
): T {
  const r = validate(schema, raw, source, name)
  if (r.ok) return r.value
  if (raw === undefined) throw validationError([{ location: source, field: name, problem: 'required' }])
  throw validationError(r.issues)
}

/**
 * A path parameter, validated by `schema` (default: the raw string).
 * @example path('id', Int) // `/items/{id}` → number
 */
export function path(name: string): Extractor<string>
export function path<S extends Schema>(name: string, schema: S): Extractor<Infer<S>>
export function path(name: string, schema: Schema = Str): Extractor<unknown> {
  return {
    source: 'path',
    headers: [],
    extract: (ctx) => fromString('path', name, ctx.req.params[name], schema),
    check(route) {
      if (!route.params.includes(name)) return `path parameter "${name}" is not in ${route.path}`
      return undefined
    },
  }
}

/**
 * A query parameter (the first, if repeated), validated by `schema` (default: a required string).
 * @example query('n', Int)
 */
export function query(name: string): Extractor<string>
export function query<S extends Schema>(name: string, schema: S): Extractor<Infer<S>>
export function query(name: string, schema: Schema = Str): Extractor<unknown> {
  return { source: 'query', headers: [], extract: (ctx) => fromString('query', name, firstValue(ctx.query[name]), schema) }
}

/** A request header (case-insensitive), validated by `schema` (default: a required string). */
export function header(name: string): Extractor<string>
export function header<S extends Schema>(name: string, schema: S): Extractor<Infer<S>>
export function header(name: string, schema: Schema = Str): Extractor<unknown> {
  const key = name.toLowerCase()
  return { source: 'header', headers: [key], extract: (ctx) => fromString('header', key, firstValue(ctx.req.headers[key]), schema) }
}

/** `application/json`, or a structured `+json` type (`application/problem+json`), parameters aside. */
const JSON_MEDIA_TYPE = /^(?:application\/json|[\w!#$&^.+-]+\/[\w!#$&^.+-]+\+json)$/

/**
 * A body that is not declared JSON is refused (415) before it is parsed: JSON routes read JSON,
 * not whatever a form or a text body happens to parse as. No body is left to the schema (a
 * required body is a 422).
 */
function jsonBody(ctx: RequestContext): unknown {
  const body = ctx.req.body
  if (body !== null && body.byteLength > 0) {
    const type = firstValue(ctx.req.headers['content-type'])
    const essence = type?.split(';', 1)[0]?.trim().toLowerCase() ?? ''
    if (!JSON_MEDIA_TYPE.test(essence)) throw new HttpError('UNB_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE', [type === undefined ? '(none)' : JSON.stringify(type.slice(0, 100))])
  }
  return ctx.json()
}

/**
 * The JSON body, validated by a schema or a `Model` class (which yields a model instance). A body
 * whose `Content-Type` is not JSON (`application/json` or a `+json` type) is a 415; malformed
 * JSON is a 400; a body that does not match is a 422 naming each field.
 */
export function json<T extends object>(model: ModelClass<T>): Extractor<T>
export function json<S extends Schema>(schema: S): Extractor<Infer<S>>
export function json(schemaOrModel: Schema | ModelClass<object>): Extractor<unknown> {
  const ofModel = modelSchema(schemaOrModel)
  // The content type is the one header this extractor reads: a sync handler's worker gets it.
  if (ofModel !== undefined) {
    const cls = schemaOrModel as ModelClass<object>
    return { source: 'body', headers: ['content-type'], extract: (ctx) => constructValidated(cls, validateOrThrow(ofModel, jsonBody(ctx), 'body', '')) }
  }
  const schema = schemaOrModel as Schema
  return { source: 'body', headers: ['content-type'], extract: (ctx) => validateOrThrow(schema, jsonBody(ctx), 'body', '') }
}

/** What kind of function a dependency provider is: it decides where the provider runs. */
export type ProviderKind = 'sync' | 'async' | 'generator' | 'async-generator'

function providerKind(provider: (...args: never[]) => unknown): ProviderKind {
  // util.types counts an async generator function as both a generator and an async function.
  const gen = types.isGeneratorFunction(provider)
  const async = types.isAsyncFunction(provider)
  if (gen) return async ? 'async-generator' : 'generator'
  if (async) return 'async'
  return 'sync'
}

/** The provider behind a `depends()` extractor, for the route compiler. */
export interface DependencyInfo {
  readonly provider: (ctx: RequestContext) => unknown
  readonly kind: ProviderKind
}

const dependencies = new WeakMap<Extractor<unknown>, DependencyInfo>()

/** The provider of a `depends()` extractor; undefined for any other extractor. */
export function dependencyOf(ex: Extractor<unknown>): DependencyInfo | undefined {
  return dependencies.get(ex)
}

/** A generator's first yield is the value; its `return()` — running its `finally` — is the teardown. */
function setUpGenerator(gen: Generator<unknown>, ctx: RequestContext): unknown {
  const step = gen.next()
  ctx.defer(() => gen.return(undefined))
  return step.value
}

async function setUpAsyncGenerator(gen: AsyncGenerator<unknown>, ctx: RequestContext): Promise<unknown> {
  const step = await gen.next()
  ctx.defer(() => gen.return(undefined), true)
  return step.value
}

type Provided<T> = T extends Generator<infer Y> ? Y : T extends AsyncGenerator<infer Y> ? Y : Awaited<T>

/**
 * A value computed by a provider function once per request: two parameters (or two providers)
 * that depend on the same function share one result. The provider may be:
 *
 * - a plain function — for an async handler it runs in the worker pool (a sync provider may
 *   block: it never runs on the loop), for a sync handler in the handler's worker;
 * - an async function — awaited where the handler runs;
 * - a generator (sync or async) — a dependency with teardown: the first `yield` gives the value,
 *   the code after it (put it in `finally`) runs once the response is made, or once a streamed
 *   body ends, also when the handler threw or the client left — in the thread that ran the setup.
 *   A sync generator needs a sync handler (both then run in one worker); give an async handler an
 *   async generator.
 *
 * @example
 * function* connection() { const c = pool.acquire(); try { yield c } finally { pool.release(c) } }
 * \@get('/rows', depends(connection)) rows(c: Connection) { return c.query('…') }
 */
export function depends<T>(provider: (ctx: RequestContext) => T): Extractor<Provided<T>> {
  const kind = providerKind(provider)
  const ex: Extractor<Provided<T>> = {
    source: 'depends',
    // A provider gets the whole request context, so it may read any header.
    headers: 'all',
    extract(ctx) {
      if (ctx.scope.has(provider)) return ctx.scope.get(provider) as Provided<T>
      let value: unknown = provider(ctx)
      if (kind === 'generator') value = setUpGenerator(value as Generator<unknown>, ctx)
      else if (kind === 'async-generator') value = setUpAsyncGenerator(value as AsyncGenerator<unknown>, ctx)
      if (value instanceof Promise) {
        const settled = value.then((v: unknown) => {
          ctx.scope.set(provider, v)
          return v
        })
        ctx.scope.set(provider, settled)
        return settled as Promise<Provided<T>>
      }
      ctx.scope.set(provider, value)
      return value as Provided<T>
    },
  }
  dependencies.set(ex as Extractor<unknown>, { provider: provider as DependencyInfo['provider'], kind })
  return ex
}

/** Tasks to run after the response is sent; see `BackgroundTasks`. */
export function background(): Extractor<BackgroundTasks> {
  return { source: 'background', headers: [], extract: (ctx) => ctx.background }
}

const NEVER_ABORTED = new AbortController().signal

/**
 * An `AbortSignal` that aborts when the client disconnects before the response is sent, to stop
 * work nobody will read (Starlette's `request.is_disconnected()`). An async handler gets an
 * ordinary signal; a sync handler, in its worker, one whose `aborted` and `throwIfAborted()` read
 * a shared cell the loop sets (dispatch/shared-signal.ts) — check it between steps.
 */
export function disconnected(): Extractor<AbortSignal> {
  return { source: 'signal', headers: [], extract: (ctx) => ctx.signal ?? NEVER_ABORTED }
}

/** An instance from the container, in the request's scope. Checked at app creation. */
export function inject<T>(token: Token<T>): Extractor<T> {
  return {
    source: 'inject',
    headers: [],
    extract: (ctx) => ctx.container.get(token, ctx.scope),
    check(_route, container) {
      container.validate(token, 'a handler parameter')
      return undefined
    },
  }
}

/** Resolves providers on demand inside the handler, within the request's scope. */
export interface Resolver {
  get<T>(token: Token<T>): T
}

export function resolver(): Extractor<Resolver> {
  return { source: 'resolver', headers: [], extract: (ctx) => ({ get: (token) => ctx.resolve(token) }) }
}

/** The offload helper for async handlers: `await offload.run(task, ...args)`. */
export function offloader(): Extractor<Offloader> {
  return { source: 'offloader', headers: [], extract: (ctx) => ctx.offloader }
}
