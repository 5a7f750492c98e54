/**
 * One start of a target, as the start-up phase measures it (startup.ts): spawned the way the
 * bench spawns targets (spawn-target.ts) and pinned from its first moment the way its trials are,
 * `GET /health` polled every ~20 ms from the spawn until it first answers 2xx, then left idle for
 * a while, and then its whole process tree read from /proc: resident memory, threads, and the CPU
 * time it spent getting there. Stopped afterwards, whatever happened. Every wait is bounded: a
 * target that exits, never answers, or answers only non-2xx is an errored sample, named with what
 * was observed, within the start-up timeout and the stop's grace.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'
import { oneLine } from '../../scenarios/one-line.ts'
import { startOf } from '../process-tree.ts'
import { SpawnError, spawnTarget, type SpawnedTarget } from '../spawn-target.ts'
import { pin } from './pinning.ts'
import { treePids, usageOf } from './proc-stats.ts'

export interface SampleOptions {
  /** How long the target may take to answer 2xx, ms. */
  readonly timeoutMs: number
  /** How long it sits idle after answering before its memory is read, ms. */
  readonly idleMs: number
  /** taskset CPU list the target runs on from its spawn (the bench's `cpus.target`); undefined: not pinned. */
  readonly pinTo?: string
  /** @default 20 */
  readonly pollMs?: number
  /** Ends the idle wait early; the sample is then `interrupted`. */
  readonly signal?: AbortSignal
}

export type Sample =
  | {
      readonly state: 'ok'
      /** Spawn to the first 2xx `/health`, ms. */
      readonly healthyMs: number
      readonly idleRssBytes: number
      readonly cpuMs: number
      readonly threads: number
      /** The processes measured: the tree at idle (stopped by the time the sample returns). */
      readonly pids: readonly number[]
    }
  | { readonly state: 'errored'; readonly error: string }
  | { readonly state: 'interrupted' }

/** What the poller saw: when /health first answered 2xx, or the other answers it got. */
type Polled = { readonly healthyAt: number } | { readonly statuses: ReadonlySet<number>; readonly polls: number }

/** A /health request may hang on a stalled target: each waits at most this long, ms. */
const REQUEST_MS = 1_000

/**
 * GET /health every `everyMs` until it answers 2xx, `deadline` passes or `done()` says the start
 * is over (spawnTarget gave up). At most one poll per `everyMs` until the deadline: bounded in count too.
 */
async function pollHealthy(url: string, deadline: number, everyMs: number, done: () => boolean): Promise<Polled> {
  const statuses = new Set<number>()
  const maxPolls = Math.ceil((deadline - performance.now()) / everyMs) + 1
  let polls = 0
  while (polls < maxPolls && performance.now() < deadline && !done()) {
    polls++
    const left = Math.max(1, Math.min(REQUEST_MS, deadline - performance.now()))
    try {
      const res = await request(`${url}/health`, { headersTimeout: left, bodyTimeout: left })
      await res.body.dump()
      if (res.statusCode >= 200 && res.statusCode < 300) return { healthyAt: performance.now() }
      statuses.add(res.statusCode)
    } catch {
      // not listening yet
    }
    await sleep(everyMs)
  }
  return { statuses, polls }
}

const ms = (x: number): string => `${Math.round(x).toLocaleString('en-US')} ms`

/**
 * Why a start failed, from what was observed: how the process ended (spawnTarget's words, with
 * the target's last output), or what /health answered until the timeout, or that nothing did.
 */
function failure(err: unknown, polled: Polled | undefined, timeoutMs: number): string {
  // spawnTarget's reason already says how the process ended, with its last output.
  if (err instanceof SpawnError && /exited/.test(err.reason)) return oneLine(err.reason, 600)
  const message = err instanceof Error ? err.message : String(err)
  const [, ...output] = message.split('\n')
  if (polled === undefined || !('statuses' in polled)) return oneLine(message, 600)
  const printed = oneLine(output.join('\n'), 400)
  const tail = printed === '' ? '' : `; its last output: ${printed}`
  if (polled.statuses.size > 0) return `GET /health answered ${[...polled.statuses].join(', ')} (never 2xx) to ${polled.polls} polls until the start-up timeout of ${ms(timeoutMs)}${tail}`
  return `GET /health got no answer to ${polled.polls} polls within the start-up timeout of ${ms(timeoutMs)}, the process still running${tail}`
}

/** Start `command` once and measure it; see the file comment. Never throws: a failure is an errored sample. */
export async function sampleStart(command: string, o: SampleOptions): Promise<Sample> {
  const pollMs = o.pollMs ?? 20
  let spawnedAt = 0
  let root: { pid: number; start: string | undefined } | undefined
  let polling: Promise<Polled> | undefined
  let over = false
  let target: SpawnedTarget
  try {
    target = await spawnTarget(command, {
      startupTimeoutMs: o.timeoutMs,
      // Must not throw (spawnTarget would leave the process running): pin and startOf do not.
      spawned: ({ pid, url }) => {
        spawnedAt = performance.now()
        root = { pid, start: startOf(pid) }
        // Everything the process starts inherits its CPUs: the whole tree starts where its trials run.
        if (o.pinTo !== undefined) pin({ pid }, o.pinTo)
        polling = pollHealthy(url, spawnedAt + o.timeoutMs, pollMs, () => over)
      },
    })
  } catch (err) {
    over = true
    return { state: 'errored', error: failure(err, await polling, o.timeoutMs) }
  }
  try {
    // spawnTarget saw 200: the poller has seen it too, or will on its next poll.
    const polled = await polling
    if (polled === undefined || !('healthyAt' in polled)) return { state: 'errored', error: `GET /health answered the bench's own check but not the start-up poll within ${ms(o.timeoutMs)}` }
    const healthyMs = polled.healthyAt - spawnedAt
    const idleLeft = polled.healthyAt + o.idleMs - performance.now()
    if (idleLeft > 0) {
      try {
        await sleep(idleLeft, undefined, o.signal && { signal: o.signal })
      } catch {
        return { state: 'interrupted' }
      }
    }
    const gone = target.gone()
    if (gone !== undefined) return { state: 'errored', error: `${gone} while idle, ${ms(performance.now() - polled.healthyAt)} after answering GET /health` }
    const pids = root?.start === undefined ? [] : treePids(root.pid, root.start)
    const use = usageOf(pids)
    if (use === undefined) return { state: 'errored', error: 'none of the target\'s processes could be read in /proc (memory is measured on Linux only)' }
    return { state: 'ok', healthyMs, idleRssBytes: use.rssBytes, cpuMs: use.cpuMs, threads: use.threads, pids }
  } finally {
    over = true
    await target.stop()
  }
}
