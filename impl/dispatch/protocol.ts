/**
 * Messages between the loop and pool workers. The worker side imports only this protocol, the
 * app compiler and the pipeline (piscina's `worker.ts` / `index.ts` split).
 */
import type { RequestData } from '../extract/context.ts'

/** What every worker receives at start (cloned per worker; the SharedArrayBuffer is shared). */
export interface WorkerBoot {
  /** URL of the app module; the worker imports it to get handlers with their module scope. */
  readonly appModule: string
  readonly sharedBuffer: SharedArrayBuffer
}

export type WorkerTask =
  /** `cpu`: also measure the thread's CPU time for this call (the pool's lane choice needs it). */
  | { readonly kind: 'route'; readonly index: number; readonly req: RequestData; readonly cpu?: boolean }
  | { readonly kind: 'task'; readonly module: string; readonly name: string; readonly args: unknown[] }
  /** Start-up: the loop's route ids in order; the worker checks its own table is the same. */
  | { readonly kind: 'warm'; readonly routes: string }
