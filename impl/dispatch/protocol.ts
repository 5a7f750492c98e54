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
  | { readonly kind: 'route'; readonly index: number; readonly id: string; readonly req: RequestData }
  | { readonly kind: 'task'; readonly module: string; readonly name: string; readonly args: unknown[] }
  | { readonly kind: 'warm' }
