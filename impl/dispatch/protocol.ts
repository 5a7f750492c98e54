/**
 * Messages between the loop and pool workers. The worker side imports only this protocol, the
 * app compiler and the pipeline (piscina's `worker.ts` / `index.ts` split).
 */
import type { RequestData } from '../extract/context.ts'
import type { Outcome } from '../error-response.ts'

/** What every worker receives at start (cloned per worker; the SharedArrayBuffer is shared). */
export interface WorkerBoot {
  /** URL of the app module; the worker imports it to get handlers with their module scope. */
  readonly appModule: string
  readonly sharedBuffer: SharedArrayBuffer
}

/** One sync handler call. `cpu`: also measure the thread's CPU time (the pool's lane choice needs it). */
export interface RouteCall {
  readonly index: number
  readonly req: RequestData
  readonly cpu?: boolean
}

/** A worker's answer to one route call: the outcome, and how long the call took there (ms, and CPU ms when asked). */
export type RouteResult = Outcome & { ms: number; cpuMs?: number }

export type WorkerTask =
  | ({ readonly kind: 'route' } & RouteCall)
  /** Several quick calls in one message (the fast lane's batches); answered by an array of results in order. */
  | { readonly kind: 'routes'; readonly calls: readonly RouteCall[] }
  | { readonly kind: 'task'; readonly module: string; readonly name: string; readonly args: unknown[] }
  /** Start-up: the loop's route ids in order; the worker checks its own table is the same. */
  | { readonly kind: 'warm'; readonly routes: string }
