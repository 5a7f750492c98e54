/**
 * Messages between the loop and pool workers. The worker side imports only this protocol, the
 * app compiler and the pipeline (piscina's `worker.ts` / `index.ts` split).
 */
import type { RequestData } from '../extract/context.ts'
import type { Outcome } from '../error-response.ts'
import type { ContextValues } from '../context/context-var.ts'

/** What every worker receives at start (cloned per worker; the SharedArrayBuffer is shared). */
export interface WorkerBoot {
  /** URL of the app module; the worker imports it to get handlers with their module scope. */
  readonly appModule: string
  readonly sharedBuffer: SharedArrayBuffer
}

/**
 * One sync handler call. `cpu`: also measure the thread's CPU time (the pool's lane choice needs
 * it). `id`: the call's number on the loop, which a streamed body's messages carry
 * (stream-out.ts). `context`: the request context's values, when it has any.
 */
export interface RouteCall {
  readonly index: number
  readonly req: RequestData
  readonly id?: number
  readonly cpu?: boolean
  readonly context?: ContextValues
  /**
   * A shared cell the loop sets when the client leaves (shared-signal.ts): a call that reaches a
   * worker after that is skipped, and a running handler sees it through `disconnected()`.
   */
  readonly cancel?: Int32Array
}

/**
 * A worker's answer to one route call: the outcome, how long the call took there (ms, and CPU ms
 * when asked), the context values it set, and — for a streamed body, whose chunks went as
 * messages — how the stream ended (the response's body is then null).
 */
export type RouteResult = Outcome & {
  ms: number
  cpuMs?: number
  context?: ContextValues
  streamed?: 'ended' | 'disconnected' | 'failed'
  /** The client had left before the call reached a worker: it was skipped (its `ms` says nothing of the handler). */
  skipped?: true
}

/** A sync dependency of an async handler: extractor `extractor` of route `route`, for one request. */
export interface DependencyCall {
  readonly route: number
  readonly extractor: number
  readonly req: RequestData
  readonly context?: ContextValues
}

/** The dependency's value, or the outcome its failure answers with; and the context values it set. */
export type DependencyResult = ({ readonly value: unknown } | { readonly outcome: Outcome }) & { readonly context?: ContextValues }

export type WorkerTask =
  | ({ readonly kind: 'route' } & RouteCall)
  /** Several quick calls in one message (the fast lane's batches); answered by an array of results in order. */
  | { readonly kind: 'routes'; readonly calls: readonly RouteCall[] }
  | { readonly kind: 'task'; readonly module: string; readonly name: string; readonly args: readonly unknown[]; readonly context?: ContextValues }
  | ({ readonly kind: 'dependency' } & DependencyCall)
  /** Start-up: the loop's route ids in order; the worker checks its own table is the same. */
  | { readonly kind: 'warm'; readonly routes: string }
