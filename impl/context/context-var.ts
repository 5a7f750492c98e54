/**
 * Request context: values that belong to the request being handled (a request id, the user),
 * readable anywhere in its call tree without being passed along — Python's `ContextVar`, Node's
 * `AsyncLocalStorage`.
 *
 * On the loop, each request runs in its own store (AsyncLocalStorage). A call that goes to a
 * worker (a sync handler, a sync dependency) carries a copy of the store, and the values it sets
 * there come back to the request's store when it returns: a sync dependency that sets a value is
 * seen by the async handler it serves (FastAPI loses those writes: fastapi/fastapi#953).
 *
 * AsyncLocalStorage costs every promise a little on Node 20, so the server only opens stores
 * when the app defines at least one context variable (`contextInUse`): define them at module
 * level, where the app module's import creates them.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { UnblockedError } from '../errors.ts'

/** Values set in one request's context, by variable name; they must survive structured clone. */
export type ContextValues = Record<string, unknown>

/** One request's values, and which of them were set since the store was made (what a worker sends back). */
export class ContextStore {
  readonly #values: Map<string, unknown>
  #written: Set<string> | undefined

  constructor(values?: ContextValues) {
    this.#values = values === undefined ? new Map() : new Map(Object.entries(values))
  }

  has(name: string): boolean {
    return this.#values.has(name)
  }

  get(name: string): unknown {
    return this.#values.get(name)
  }

  set(name: string, value: unknown): void {
    this.#values.set(name, value)
    ;(this.#written ??= new Set()).add(name)
  }

  /** Every value, for a call sent to a worker; undefined when there is none (nothing to send). */
  snapshot(): ContextValues | undefined {
    return this.#values.size === 0 ? undefined : Object.fromEntries(this.#values)
  }

  /** The values set since this store was made, or undefined. */
  writes(): ContextValues | undefined {
    if (this.#written === undefined) return undefined
    const out: ContextValues = {}
    for (const name of this.#written) out[name] = this.#values.get(name)
    return out
  }

  /** Take the values a worker set (`writes()` of its copy). */
  apply(writes: ContextValues | undefined): void {
    if (writes !== undefined) for (const [name, value] of Object.entries(writes)) this.set(name, value)
  }
}

const storage = new AsyncLocalStorage<ContextStore>()
const names = new Set<string>()

/** Whether the app defined any context variable (then the server gives each request a store). */
export function contextInUse(): boolean {
  return names.size > 0
}

/** Run `fn` with `store` as the current request's context. */
export function runInContext<R>(store: ContextStore, fn: () => R): R {
  return storage.run(store, fn)
}

/** The current request's store, if any (undefined outside a request, or when no variable is defined). */
export function currentContext(): ContextStore | undefined {
  return names.size === 0 ? undefined : storage.getStore()
}

/** A value in the request context. */
export interface ContextVar<T> {
  readonly name: string
  /** The value set in this request, else the default, else undefined. */
  get(): T | undefined
  /** Set it for the rest of this request (in a worker: also for the loop side, once the call returns). Throws outside a request. */
  set(value: T): void
}

/**
 * Define a request-context variable, once, at module level. `name` must be unique in the app:
 * it is the key under which the value travels to workers and back.
 *
 * @example
 * export const requestId = contextVar<string>('request-id')
 * // in an onRequest hook:  requestId.set(req.headers['x-request-id'])
 * // anywhere later in that request, in any thread:  requestId.get()
 */
export function contextVar<T>(name: string, options: { default?: T } = {}): ContextVar<T> {
  if (typeof name !== 'string' || name.length === 0) throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', ['a context variable needs a non-empty name'])
  // A module imported twice (a test re-importing the app) defines the same variables again: same names, same meaning.
  names.add(name)
  return {
    name,
    get: () => {
      const store = storage.getStore()
      return store !== undefined && store.has(name) ? (store.get(name) as T) : options.default
    },
    set: (value) => {
      const store = storage.getStore()
      if (store === undefined) throw new UnblockedError('UNB_ERR_CONTEXT_OUTSIDE_REQUEST', [name])
      store.set(name, value)
    },
  }
}
