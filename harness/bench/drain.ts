/**
 * Waiting for a target to be idle before a measured trial. A load run ends with requests still in
 * flight (one per connection), and a target that queues work keeps serving them after the load
 * generator has gone: express in io-wait-sync has about a second of 10 ms sleeps queued on its
 * loop. A trial started on top of that measured the backlog (38–54 req/s after the warm-up against
 * 85–91 from a clean start, 4 of 4 pairs). So before every measured trial the bench waits until
 * the target is quiet by two signs a black box shows: `/ping` answers promptly (a loop that is
 * free), and the target's processes use almost no CPU (workers that are done), each for several
 * readings in a row; bounded, and the time it took is recorded with the trial.
 */
import { TargetClient } from '../../scenarios/client.ts'
import { groupCpuMs } from './proc-stats.ts'

export interface DrainOptions {
  /** A ping slower than this means the loop still has work queued. @default 5 */
  readonly promptMs?: number
  /** CPU the target may use while counted as idle, as a share of one core (one 10 ms tick in a 75 ms window is 0.13). @default 0.15 */
  readonly idleCores?: number
  /** Readings, each a ping plus a CPU window, that must all be quiet in a row. @default 2 */
  readonly quietReadings?: number
  /** The CPU window per reading, ms (/proc counts CPU in 10 ms ticks, so not much shorter). @default 75 */
  readonly windowMs?: number
  /** Give up after this long and measure anyway (the trial records how long it waited). @default 10000 */
  readonly maxMs?: number
}

export interface Drained {
  /** How long the target took to turn quiet, ms. */
  readonly ms: number
  /** False when `maxMs` passed first. */
  readonly quiet: boolean
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Wait until the target at `url` (process group `pgid`) is quiet; see the file comment. */
export async function drain(url: string, pgid: number, o: DrainOptions = {}): Promise<Drained> {
  const promptMs = o.promptMs ?? 5
  const idleCores = o.idleCores ?? 0.15
  const need = o.quietReadings ?? 2
  const windowMs = o.windowMs ?? 75
  const maxMs = o.maxMs ?? 10_000
  const t0 = performance.now()
  const client = new TargetClient(url, maxMs, { connections: 1 })
  let inARow = 0
  try {
    while (performance.now() - t0 < maxMs) {
      const cpu0 = groupCpuMs(pgid)
      const w0 = performance.now()
      let prompt = false
      try {
        const sent = performance.now()
        const r = await client.request('/ping', { timeoutMs: Math.max(1, maxMs - (sent - t0)) })
        // Any answer counts: a prompt one shows a free loop, whatever the status (a target whose
        // /ping fails is judged by the prober, not made to wait here).
        prompt = r.status > 0 && performance.now() - sent <= promptMs
      } catch {
        prompt = false
      }
      const left = windowMs - (performance.now() - w0)
      if (left > 0) await sleep(left)
      const cpu1 = groupCpuMs(pgid)
      const cores = cpu0 === undefined || cpu1 === undefined ? 0 : (cpu1 - cpu0) / (performance.now() - w0)
      inARow = prompt && cores <= idleCores ? inARow + 1 : 0
      if (inARow >= need) return { ms: performance.now() - t0, quiet: true }
    }
    return { ms: performance.now() - t0, quiet: false }
  } finally {
    await client.close()
  }
}
