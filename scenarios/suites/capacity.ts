/**
 * `capacity.*` (contract v2): how many blocking sync handlers a target runs at once, and whether
 * the loop stays free when more arrive than its pool holds. The number is the most-asked
 * undocumented one in the field (anyio's default limiter of 40: agronholm/anyio#447,
 * fastapi/fastapi#4221); health checks starved by a full pool are a common outage.
 *
 * Connections: the client has 128. The burst holds 64 and the two INFO requests 2, leaving 62 for
 * pings, which are sent every 10 ms and give up after 2 s: more than 62 are outstanding only once
 * pings have gone unanswered for 620 ms, by which time the case has failed (bound 250 ms). So a
 * client-side queue never decides a verdict.
 */
import { Checker, observe, statusAndBody } from '../check.ts'
import { TransportError, type Reply, type TargetClient } from '../client.ts'
import { oneLine } from '../one-line.ts'
import { probeDuring, type ProbeResult } from '../prober.ts'
import { sleep } from '../sleep.ts'
import { round } from '../stats.ts'
import type { CaseDef, Outcome } from '../types.ts'
import { checkProbe, probeData, warm } from './loop-checks.ts'
import { estimateParallelism, histogram, PARALLELISM_WINDOW_MS } from './parallelism.ts'
import { BURST_GIVE_UP_MS, BURST_SIZE, BURST_SLEEP_MS, burstPath, sleptOk, syncBurst, type Burst, type BurstAnswer } from './sync-burst.ts'

/** `capacity.sync-parallelism` passes at this many sync handlers at once. */
export const MIN_PARALLELISM = 8
/** Worst acceptable ping while 64 requests are in flight, ms: passing targets showed up to 120 ms of noise on 2 cores. */
export const OVERFLOW_PING_LIMIT_MS = 250

const BURST = `${BURST_SIZE} × GET ${burstPath()}`
/**
 * A capacity case's deadline, ms: the burst gives up after 40 s (one handler at a time takes 32 s:
 * Express and Fastify did, 32.1 s), and 20 s more for the warm-up and the stragglers.
 */
export const CAPACITY_DEADLINE_MS = BURST_GIVE_UP_MS + 20_000

/** An INFO request sent `sentAtMs` into the burst: its latency and status, or why it failed. */
export interface Timed {
  readonly sentAtMs: number
  readonly ms?: number
  readonly status?: number
  readonly error?: string
}

function describeAnswer(a: BurstAnswer): string {
  return 'reply' in a ? `answered ${statusAndBody(a.reply)}` : `failed: ${oneLine(a.error.message)}`
}

/** The burst's answers that are not 200 `{"slept":500}`, as one clause: `3 of 64 GET … did not answer 200 {"slept":500} (the first failed: …)`. */
function badAnswers(burst: Burst): { count: number; clause: string; actual?: ReturnType<typeof observe> } {
  const bad = burst.answers.filter((a) => !sleptOk(a))
  const first = bad[0]
  if (first === undefined) return { count: 0, clause: '' }
  const clause = `${bad.length} of ${burst.answers.length} GET ${burstPath()} did not answer 200 {"slept":${BURST_SLEEP_MS}} (${bad.length > 1 ? 'the first ' : ''}${describeAnswer(first)})`
  return { count: bad.length, clause, ...('reply' in first && { actual: observe(first.reply) }) }
}

/** The numbers of a burst for `data`. */
function burstData(burst: Burst): Record<string, unknown> {
  const failed = burst.answers.filter((a) => 'error' in a)
  return {
    burst: burst.answers.length,
    sleepMs: BURST_SLEEP_MS,
    answered: burst.answers.filter((a) => sleptOk(a)).length,
    wallMs: burst.wallMs,
    ...(failed.length > 0 && { transportFailures: failed.length }),
  }
}

/** `capacity.sync-parallelism`'s verdict on a burst (pure, for tests). */
export function judgeParallelism(burst: Burst): Outcome {
  const c = new Checker()
  const completed = burst.answers.filter((a) => sleptOk(a)).map((a) => a.atMs)
  const est = estimateParallelism(completed, burst.answers.length)
  Object.assign(c.data, {
    parallelism: est.parallelism,
    parallelismShown: est.shown,
    ...(est.firstMs !== undefined && { firstAnswerMs: est.firstMs }),
    ...burstData(burst),
    completionHistogramMs: histogram(completed),
  })
  const bad = badAnswers(burst)
  c.should(bad.count === 0, `${bad.clause}; effective parallelism ${est.shown} from the ${completed.length} that did`, { status: 200, body: `{"slept":${BURST_SLEEP_MS}}` }, bad.actual)
  c.should(
    est.parallelism >= MIN_PARALLELISM,
    `effective parallelism ${est.shown} (bound ≥ ${MIN_PARALLELISM}): ${est.parallelism} of the ${burst.answers.length} GET ${burstPath()} sent at once answered within ${PARALLELISM_WINDOW_MS} ms of the first answer; all ${burst.answers.length} took ${burst.wallMs} ms`,
    { parallelism: `≥ ${MIN_PARALLELISM}` },
    { parallelism: est.parallelism },
  )
  const o = c.outcome()
  // The number is the point of the case: a PASS shows it too.
  return o.kind === 'pass' ? { ...o, note: `effective parallelism ${est.shown}: ${est.parallelism} of the ${burst.answers.length} GET ${burstPath()} sent at once answered within ${PARALLELISM_WINDOW_MS} ms of the first answer; all ${burst.answers.length} took ${burst.wallMs} ms` } : o
}

/** `capacity.overflow-keeps-loop-free`'s verdict (pure, for tests): the pings, then the burst's answers; the INFO requests are data. */
export function judgeOverflow(probe: ProbeResult, burst: Burst, headOfLine: Timed, offload: Timed): Outcome {
  const c = new Checker()
  Object.assign(c.data, probeData(probe), burstData(burst))
  const info = (name: string, t: Timed): Record<string, unknown> => ({
    [`${name}SentAtMs`]: t.sentAtMs,
    ...(t.ms !== undefined && { [`${name}Ms`]: t.ms }),
    ...(t.status !== undefined && { [`${name}Status`]: t.status }),
    ...(t.error !== undefined && { [`${name}Error`]: t.error }),
  })
  Object.assign(c.data, info('headOfLine', headOfLine), info('offload', offload))
  checkProbe(c, probe, BURST, OVERFLOW_PING_LIMIT_MS)
  const bad = badAnswers(burst)
  c.must(bad.count === 0, bad.clause, { status: 200, body: `{"slept":${BURST_SLEEP_MS}}` }, bad.actual)
  return c.outcome()
}

/** GET `path` `atMs` after `t0`: its latency and status, or its failure (only a stopped case throws). */
async function sendAt(client: TargetClient, path: string, atMs: number, t0: number, signal: AbortSignal): Promise<Timed> {
  await sleep(t0 + atMs - performance.now(), signal)
  const sentAtMs = round(performance.now() - t0)
  try {
    const r: Reply = await client.request(path, { timeoutMs: BURST_GIVE_UP_MS })
    return { sentAtMs, ms: round(r.ms), status: r.status }
  } catch (err) {
    if (!(err instanceof TransportError) || err.kind === 'interrupted') throw err
    return { sentAtMs, error: oneLine(err.message) }
  }
}

/** Warm up (4 × ms=0); the outcome when the endpoint is missing. A 404 never passes: /block/sync is required. */
async function warmBurst(client: TargetClient, level: 'MUST' | 'SHOULD'): Promise<Outcome | undefined> {
  const warmed = await warm(client, burstPath(0), 4)
  const notFound = warmed.find((r) => r.status === 404)
  if (notFound === undefined) return undefined
  return { kind: 'fail', level, reason: `GET ${burstPath(0)} answered 404: the endpoint is missing`, expected: { status: 200 }, actual: observe(notFound) }
}

export const capacityCases: CaseDef[] = [
  {
    id: 'capacity.sync-parallelism',
    suite: 'capacity',
    level: 'SHOULD',
    timing: true,
    deadlineMs: CAPACITY_DEADLINE_MS,
    description: `the effective number of sync handlers that run at once is ≥ ${MIN_PARALLELISM}: ${BURST} at once, P = the answers within ${PARALLELISM_WINDOW_MS} ms of the first (in data: P, the wall time, a 100 ms histogram of answers)`,
    async run({ client }) {
      const missing = await warmBurst(client, 'SHOULD')
      if (missing !== undefined) return missing
      return judgeParallelism(await syncBurst(client))
    },
  },
  {
    id: 'capacity.overflow-keeps-loop-free',
    suite: 'capacity',
    level: 'MUST',
    timing: true,
    description: `while ${BURST} are in flight, every /ping answers and the worst waits < ${OVERFLOW_PING_LIMIT_MS} ms, and all ${BURST_SIZE} answer (MUST); INFO: the latency of GET /coerce/sync/dict sent 50 ms and of GET /cpu/offload?n=1 sent 150 ms into the burst`,
    deadlineMs: CAPACITY_DEADLINE_MS,
    async run({ client, signal }) {
      const missing = await warmBurst(client, 'MUST')
      if (missing !== undefined) return missing
      const { probe, result } = await probeDuring(client, () => {
        const t0 = performance.now()
        return Promise.all([syncBurst(client), sendAt(client, '/coerce/sync/dict', 50, t0, signal), sendAt(client, '/cpu/offload?n=1', 150, t0, signal)])
      })
      if (result.status === 'rejected') throw result.reason
      const [burst, headOfLine, offload] = result.value
      return judgeOverflow(probe, burst, headOfLine, offload)
    },
  },
]
