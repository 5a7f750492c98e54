/**
 * The burst both `capacity.*` cases measure: 64 concurrent `GET /block/sync?ms=500` on 64
 * connections, each answer (or failure) timed from the send. Each case fires its own burst (a
 * case runs alone when selected by id, and a re-run attempt must measure again), through this one
 * helper.
 */
import { TransportError, type Reply, type TargetClient } from '../client.ts'
import { round } from '../stats.ts'

export const BURST_SIZE = 64
export const BURST_SLEEP_MS = 500
/** Give up on the burst after this (64 one after another take 32 s). */
export const BURST_GIVE_UP_MS = 40_000

export const burstPath = (ms = BURST_SLEEP_MS): string => `/block/sync?ms=${ms}`

/** One request of the burst: its reply, or the transport failure that ended it. */
export type BurstAnswer =
  | { readonly atMs: number; readonly reply: Reply }
  | { readonly atMs: number; readonly error: TransportError }

export interface Burst {
  readonly answers: readonly BurstAnswer[]
  /** Send → the last answer or failure, ms. */
  readonly wallMs: number
}

/** Whether `a` is the contract's answer, 200 `{"slept":ms}`. */
export function sleptOk(a: BurstAnswer, ms = BURST_SLEEP_MS): boolean {
  return 'reply' in a && a.reply.status === 200 && a.reply.body.toString('utf8').replace(/\s/g, '').includes(`"slept":${ms}`)
}

/**
 * Fire the burst and wait for every request to answer or fail. A request that fails (no answer
 * within the give-up time, a reset) is an answer of the burst, for the case to judge; only an
 * interrupted run throws.
 */
export async function syncBurst(client: TargetClient, opts: { size?: number; sleepMs?: number; giveUpMs?: number } = {}): Promise<Burst> {
  const size = opts.size ?? BURST_SIZE
  const path = burstPath(opts.sleepMs)
  const t0 = performance.now()
  const answers = await Promise.all(
    Array.from({ length: size }, () =>
      client.request(path, { timeoutMs: opts.giveUpMs ?? BURST_GIVE_UP_MS }).then(
        (reply): BurstAnswer => ({ atMs: round(performance.now() - t0), reply }),
        (err: unknown): BurstAnswer => {
          if (!(err instanceof TransportError) || err.kind === 'interrupted') throw err
          return { atMs: round(performance.now() - t0), error: err }
        },
      ),
    ),
  )
  return { answers, wallMs: round(performance.now() - t0) }
}
