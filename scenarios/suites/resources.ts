/**
 * `resources.sync-dependency-pool` (contract v2, suite `invasive`): a sync handler whose resource
 * comes from a dependency with teardown, out of a process-wide pool of 4. When the thread pool is
 * larger than the resource pool, setups that wait for a slot can hold every thread while the
 * teardowns that would free one wait for a thread: the deadlock of fastapi/fastapi#3205.
 *
 * It shows on a fresh thread pool or one idle ≥ 10 s (idle threads expire), and hides once the pool
 * is warm (measured: 15 of 20 attempts on a fresh server, 5 of 6 after 10 s idle, rarely after a
 * warm-up). So every attempt follows an idle wait, up to 5 attempts, stopping at the first failure.
 * A failure can wedge the target: the case then waits for /health before the run goes on, and it
 * lives in a suite that runs last and can be left out.
 */
import { observe, statusAndBody } from '../check.ts'
import { TransportError, type Reply, type TargetClient } from '../client.ts'
import { oneLine } from '../one-line.ts'
import { sleep } from '../sleep.ts'
import { round } from '../stats.ts'
import type { CaseDef, Observed, Outcome } from '../types.ts'

export const POOL_REQUESTS = 64
export const POOL_SLEEP_MS = 50
const PATH = `/resources/sync/pool?ms=${POOL_SLEEP_MS}`

export interface PoolCaseOptions {
  /** The target idles this long before each attempt, ms (idle threads expire). @default 10_000 */
  idleMs?: number
  /** Attempts; the first failure ends them. @default 5 */
  attempts?: number
  /** Every request of an attempt must answer 2xx within this, ms. @default 15_000 */
  deadlineMs?: number
  /** After a failure, how long to wait for GET /health to answer 200, ms. @default 150_000 */
  recoveryMs?: number
  /** Between two GET /health while recovering, ms. @default 1_000 */
  recoveryPollMs?: number
}

/** One attempt's numbers, in `data.tries` (not `attempts`: that key holds the runner's re-runs). */
export interface PoolTry {
  readonly attempt: number
  readonly ok: number
  /** Answers by status (2xx included). */
  readonly statuses: Record<string, number>
  /** Requests with no answer within the deadline. */
  readonly noAnswer: number
  /** Other transport failures (reset, refused…). */
  readonly failed: number
  readonly wallMs: number
}

type Answer = { reply: Reply } | { error: TransportError }

const seconds = (ms: number): string => `${round(ms / 1000)} s`

async function attempt(client: TargetClient, deadlineMs: number): Promise<{ answers: Answer[]; wallMs: number }> {
  const t0 = performance.now()
  const answers = await Promise.all(
    Array.from({ length: POOL_REQUESTS }, () =>
      client.request(PATH, { timeoutMs: deadlineMs }).then(
        (reply): Answer => ({ reply }),
        (err: unknown): Answer => {
          // No answer within the deadline is the deadlock being looked for: a verdict, not an ERROR.
          if (!(err instanceof TransportError) || err.kind === 'interrupted') throw err
          return { error: err }
        },
      ),
    ),
  )
  return { answers, wallMs: round(performance.now() - t0) }
}

const ok2xx = (a: Answer): boolean => 'reply' in a && a.reply.status >= 200 && a.reply.status < 300

function tryOf(n: number, answers: readonly Answer[], wallMs: number): PoolTry {
  const statuses: Record<string, number> = {}
  for (const a of answers) if ('reply' in a) statuses[a.reply.status] = (statuses[a.reply.status] ?? 0) + 1
  const errors = answers.flatMap((a) => ('error' in a ? [a.error] : []))
  const noAnswer = errors.filter((e) => e.kind === 'timeout').length
  return { attempt: n, ok: answers.filter(ok2xx).length, statuses, noAnswer, failed: errors.length - noAnswer, wallMs }
}

/** What went wrong in a failed attempt, observed: `12 of 64 … got no answer within 15 s; 3 answered 503 "…"`. */
function describeFailure(t: PoolTry, answers: readonly Answer[], deadlineMs: number): { text: string; actual?: Observed } {
  const parts: string[] = []
  if (t.noAnswer > 0) parts.push(`${t.noAnswer} of ${POOL_REQUESTS} GET ${PATH} got no answer within ${seconds(deadlineMs)}`)
  const bad = answers.find((a): a is { reply: Reply } => 'reply' in a && !ok2xx(a))
  const notOk = Object.entries(t.statuses).filter(([s]) => !s.startsWith('2')).reduce((sum, [, n]) => sum + n, 0)
  if (bad !== undefined) parts.push(`${notOk} of ${POOL_REQUESTS} answered ${statusAndBody(bad.reply)}${notOk > 1 ? ' (the first)' : ''}`)
  const other = answers.find((a): a is { error: TransportError } => 'error' in a && a.error.kind !== 'timeout')
  if (other !== undefined) parts.push(`${t.failed} failed (${oneLine(other.error.message)})`)
  return { text: parts.join('; '), ...(bad !== undefined && { actual: observe(bad.reply) }) }
}

/** Poll GET /health until it answers 200 or `recoveryMs` passes (or the case is stopped: `signal`). */
async function recover(client: TargetClient, recoveryMs: number, pollMs: number, signal: AbortSignal): Promise<{ healthy: boolean; waitedMs: number; last?: string }> {
  const t0 = performance.now()
  let last: string | undefined
  for (let i = 0; i < 10_000; i++) {
    const left = recoveryMs - (performance.now() - t0)
    if (left <= 0) break
    try {
      const r = await client.request('/health', { timeoutMs: Math.max(1, Math.min(2_000, left)) })
      if (r.status === 200) return { healthy: true, waitedMs: round(performance.now() - t0) }
      last = `answered ${statusAndBody(r)}`
    } catch (err) {
      if (!(err instanceof TransportError) || err.kind === 'interrupted') throw err
      last = oneLine(err.message)
    }
    await sleep(Math.min(pollMs, recoveryMs - (performance.now() - t0)), signal)
  }
  return { healthy: false, waitedMs: round(performance.now() - t0), ...(last !== undefined && { last }) }
}

/** The case, with the contract's durations by default; tests pass short ones. */
export function resourcesPoolCase(opts: PoolCaseOptions = {}): CaseDef {
  const idleMs = opts.idleMs ?? 10_000
  const attempts = opts.attempts ?? 5
  const deadlineMs = opts.deadlineMs ?? 15_000
  const recoveryMs = opts.recoveryMs ?? 150_000
  const pollMs = opts.recoveryPollMs ?? 1_000
  for (const [name, v] of Object.entries({ idleMs, attempts, deadlineMs, recoveryMs, recoveryPollMs: pollMs })) {
    if (!Number.isInteger(v) || v < (name === 'idleMs' ? 0 : 1)) throw new RangeError(`options.${name} must be a ${name === 'idleMs' ? 'non-negative' : 'positive'} integer, got ${v}`)
  }
  return {
    id: 'resources.sync-dependency-pool',
    suite: 'invasive',
    level: 'MUST',
    optional: true,
    // Its waits by design, all of them, and 10 s to spare: the first request, every attempt after
    // its idle, the recovery after a failure and its last GET /health (2 s at most).
    deadlineMs: deadlineMs + attempts * (idleMs + deadlineMs) + recoveryMs + 2_000 + 10_000,
    description: `${POOL_REQUESTS} concurrent GET ${PATH} (a sync handler whose resource comes from a dependency with teardown, out of a pool of 4) all answer 2xx within ${seconds(deadlineMs)}; up to ${attempts} attempts, each after ${seconds(idleMs)} idle; a 503 or no answer is a FAIL (the deadlock of fastapi/fastapi#3205)`,
    async run({ client, signal }): Promise<Outcome> {
      // One request first: a missing endpoint ends the case before the idle waits. The idle that
      // follows lets whatever thread it started expire, so it hides nothing.
      const first = await client.request(PATH, { timeoutMs: deadlineMs })
      if (first.status === 404) return { kind: 'unimplemented', reason: `GET ${PATH} answered 404: the endpoint is missing`, actual: observe(first) }
      const tries: PoolTry[] = []
      const data: Record<string, unknown> = { idleMs, deadlineMs, attemptsAllowed: attempts, tries }
      for (let n = 1; n <= attempts; n++) {
        await sleep(idleMs, signal)
        const { answers, wallMs } = await attempt(client, deadlineMs)
        const t = tryOf(n, answers, wallMs)
        tries.push(t)
        if (t.ok === POOL_REQUESTS) continue
        const failure = describeFailure(t, answers, deadlineMs)
        const back = await recover(client, recoveryMs, pollMs, signal)
        data.recovery = back
        const after = back.healthy ? `GET /health answered 200 ${seconds(back.waitedMs)} later` : `GET /health did not answer 200 within ${seconds(recoveryMs)}${back.last ? ` (last: ${back.last})` : ''}`
        return {
          kind: 'fail',
          level: 'MUST',
          reason: `attempt ${n} of ${attempts}, after ${seconds(idleMs)} idle: ${failure.text}; ${after}`,
          expected: { status: 200 },
          ...(failure.actual && { actual: failure.actual }),
          data,
        }
      }
      data.slowestTryMs = Math.max(...tries.map((t) => t.wallMs))
      return { kind: 'pass', data }
    },
  }
}

export const resourcesCases: CaseDef[] = [resourcesPoolCase()]
