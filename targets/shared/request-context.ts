/**
 * The Node targets' request context (`/context/{mode}`, contract v2): AsyncLocalStorage holding
 * one mutable store per request, entered by the framework's middleware or request hook — the
 * pattern of @fastify/request-context and cls-style libraries. The store is an object, so a
 * dependency that writes to it writes to the handler's store too.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

export type ContextKey = 'rid' | 'value'
export type RequestStore = Map<ContextKey, string>

export const requestContext = new AsyncLocalStorage<RequestStore>()

/** A fresh store holding the request's `x-request-id` (when it sent one). */
export function newRequestStore(requestId: string | undefined): RequestStore {
  const store: RequestStore = new Map()
  if (requestId !== undefined) store.set('rid', requestId)
  return store
}

/** A value of the current request's context, null outside one or when unset. */
export function contextValue(key: ContextKey): string | null {
  return requestContext.getStore()?.get(key) ?? null
}

/** Write to the current request's context; false outside a request context (the write is lost). */
export function setContextValue(key: ContextKey, value: string): boolean {
  const store = requestContext.getStore()
  store?.set(key, value)
  return store !== undefined
}
