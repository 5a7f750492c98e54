/**
 * `blocking.*`: does blocking work in sync handlers stay off the event loop? Thresholds are
 * generous on purpose (a verdict must not flip because the machine is busy) and every case
 * records its raw numbers. The cases judged by a time bound are `timing`: a failure is tried
 * again before it stands (../attempts.ts).
 */
import { createHash } from 'node:crypto'
import { Checker, observe, statusAndBody } from '../check.ts'
import { oneLine } from '../one-line.ts'
import { probeDuring } from '../prober.ts'
import type { CaseDef, CaseContext, Outcome } from '../types.ts'
import { round } from '../stats.ts'
import { calibrateCpu } from './calibrate-cpu.ts'
import { heavyDigest } from './heavy-digest.ts'
import { checkProbe, checkSlept, concurrent, PING_LIMIT_MS, probeData, warm } from './loop-checks.ts'

export { PING_LIMIT_MS }

export function sha256Chain(rounds: number): string {
  let d = createHash('sha256').update('unblocked', 'ascii').digest()
  for (let i = 0; i < rounds; i++) d = createHash('sha256').update(d).digest()
  return d.toString('hex')
}

function keepsLoopFree(id: string, path: string, description: string): CaseDef {
  return {
    id,
    suite: 'blocking',
    level: 'MUST',
    timing: true,
    description,
    async run({ client }) {
      await warm(client, path.replace(/ms=\d+/, 'ms=0'), 4)
      const c = new Checker()
      const { probe, result } = await probeDuring(client, () => concurrent(client, path, 4))
      Object.assign(c.data, probeData(probe))
      if (result.status === 'rejected') throw result.reason
      checkSlept(c, result.value, path, Number(/ms=(\d+)/.exec(path)?.[1]))
      checkProbe(c, probe, `4 × GET ${path}`)
      return c.outcome()
    },
  }
}

function cpuCase(mode: 'sync' | 'offload'): CaseDef {
  return {
    id: `blocking.cpu-${mode}`,
    suite: 'blocking',
    level: 'MUST',
    timing: true,
    // Four digests, the calibration (5 s of calls, each allowed 30 s) and the heavy call (30 s).
    deadlineMs: 90_000,
    description: `/cpu/${mode}?n=K returns the right SHA-256 chain digest for several K, and pings stay under ${PING_LIMIT_MS} ms while a heavy K (≥ 300 ms on the target) runs`,
    async run({ client, timeoutMs }) {
      const c = new Checker()
      for (const k of [0, 1, 3, 1000]) {
        const want = sha256Chain(k)
        const r = await client.request(`/cpu/${mode}?n=${k}`)
        c.mustMatch(r, { status: 200, type: 'application/json', json: { digest: want } })
      }
      const heavyTimeoutMs = Math.max(timeoutMs, 30_000)
      // K is sized on this endpoint of the target (calibrate-cpu.ts): each case stands alone (it can
      // be selected and re-run by itself), and the work calibrated is the work probed — an offload
      // path may hash at another speed than the sync one (another process, another library).
      const calibration = await calibrateCpu(client, `/cpu/${mode}`, { targetMs: 300, timeoutMs: heavyTimeoutMs })
      const heavy = calibration.k
      c.data.calibration = calibration.steps
      c.data.heavyK = heavy
      if (calibration.short !== undefined) c.data.calibrationShort = calibration.short
      // K's digest: computed in a worker that has exited before the probe starts, so neither its CPU
      // nor its garbage is in the prober's process while it measures.
      const { digest: want } = await heavyDigest({ rounds: heavy })
      const { probe, result } = await probeDuring(client, () => client.request(`/cpu/${mode}?n=${heavy}`, { timeoutMs: heavyTimeoutMs }))
      Object.assign(c.data, probeData(probe))
      if (result.status === 'rejected') throw result.reason
      c.data.heavyMs = round(result.value.ms)
      c.mustMatch(result.value, { status: 200, type: 'application/json', json: { digest: want } })
      checkProbe(c, probe, `GET /cpu/${mode}?n=${heavy} (${c.data.heavyMs} ms)`)
      return c.outcome()
    },
  }
}

export const blockingCases: CaseDef[] = [
  {
    id: 'blocking.sync-parallel',
    suite: 'blocking',
    level: 'MUST',
    timing: true,
    description: '4 concurrent GET /block/sync?ms=300 all finish within 600 ms of the first send (serial would take 1200 ms)',
    async run({ client }) {
      await warm(client, '/block/sync?ms=0', 4)
      const c = new Checker()
      const t0 = performance.now()
      const done: number[] = []
      const replies = await Promise.all(
        Array.from({ length: 4 }, () => client.request('/block/sync?ms=300').then((r) => (done.push(round(performance.now() - t0)), r))),
      )
      const last = Math.max(...done)
      c.data.finishedAtMs = done
      c.data.lastFinishMs = last
      checkSlept(c, replies, '/block/sync?ms=300', 300)
      c.must(last <= 600, `the last of 4 × GET /block/sync?ms=300 answered ${last} ms after the first was sent (bound 600 ms; one after another takes 1200 ms)`, { lastFinishMs: '≤ 600' }, { lastFinishMs: last })
      return c.outcome()
    },
  },
  keepsLoopFree('blocking.sync-keeps-loop-free', '/block/sync?ms=400', `while 4 GET /block/sync?ms=400 run, /ping every 10 ms always answers, worst latency < ${PING_LIMIT_MS} ms (from scheduled send)`),
  keepsLoopFree('blocking.async-wait-keeps-loop-free', '/block/async?ms=400', `while 4 GET /block/async?ms=400 (awaited timers) run, /ping every 10 ms always answers, worst latency < ${PING_LIMIT_MS} ms`),
  {
    id: 'blocking.async-blocking-stall',
    suite: 'blocking',
    level: 'INFO',
    description: 'the stall /ping sees while an async handler blocks the loop for 300 ms (the mistake the model prevents)',
    async run({ client }): Promise<Outcome> {
      await warm(client, '/ping', 4)
      const { probe, result } = await probeDuring(client, () => client.request('/block/async-blocking?ms=300'))
      if (result.status === 'rejected') throw result.reason
      // A 404 answers at once: the pings around it measure nothing.
      const reply = result.value
      if (reply.status === 404) return { kind: 'unimplemented', reason: 'GET /block/async-blocking?ms=300 answered 404: the endpoint is missing', actual: observe(reply) }
      const data = { ...probeData(probe), status: reply.status, blockingMs: round(reply.ms) }
      const failed = probe.failed > 0 ? `; ${probe.failed} of ${probe.sent} GET /ping failed (${oneLine(probe.failures.join('; '))})` : ''
      const answered = reply.status === 200 ? '' : ` (it answered ${statusAndBody(reply)})`
      return { kind: 'info', reason: `pings waited up to ${probe.worstMs} ms while GET /block/async-blocking?ms=300 ran${answered}${failed}`, data }
    },
  },
  {
    id: 'blocking.saturation',
    suite: 'blocking',
    level: 'SHOULD',
    timing: true,
    description: `16 concurrent GET /block/sync?ms=200 all succeed (queueing is fine) while pings stay under ${PING_LIMIT_MS} ms`,
    async run({ client }) {
      await warm(client, '/block/sync?ms=0', 4)
      const c = new Checker()
      const { probe, result } = await probeDuring(client, () => concurrent(client, '/block/sync?ms=200', 16))
      Object.assign(c.data, probeData(probe))
      if (result.status === 'rejected') throw result.reason
      c.data.slowestMs = round(Math.max(...result.value.map((r) => r.ms)))
      checkSlept(c, result.value, '/block/sync?ms=200', 200)
      checkProbe(c, probe, '16 × GET /block/sync?ms=200')
      const o = c.outcome()
      return o.kind === 'fail' ? { ...o, level: 'SHOULD' } : o
    },
  },
  cpuCase('sync'),
  cpuCase('offload'),
  {
    id: 'blocking.diagnostics',
    suite: 'blocking',
    level: 'SHOULD',
    optional: true,
    description: 'after GET /block/async-blocking?ms=300, GET /diagnostics/blocking lists an event for that route with ms ≥ 200',
    async run({ client }: CaseContext): Promise<Outcome> {
      const before = await client.request('/diagnostics/blocking')
      if (before.status === 404) return { kind: 'unimplemented', reason: 'GET /diagnostics/blocking answered 404 (optional endpoint)', actual: observe(before) }
      const trigger = await client.request('/block/async-blocking?ms=300')
      const r = await client.request('/diagnostics/blocking')
      const c = new Checker()
      // Without the blocking request there is no event to look for: an empty list would prove nothing.
      c.should(trigger.status !== 404, 'GET /block/async-blocking?ms=300 answered 404: the endpoint is missing', { status: 200 }, observe(trigger))
      let events: { route?: unknown; handler?: unknown; ms?: unknown }[] = []
      try {
        const body = JSON.parse(r.body.toString('utf8')) as { events?: unknown }
        if (Array.isArray(body.events)) events = body.events as typeof events
      } catch {
        events = []
      }
      const hit = events.find((e) => String(e.route ?? '').includes('/block/async-blocking') && typeof e.ms === 'number' && e.ms >= 200)
      c.data.events = events.length
      if (hit !== undefined) c.data.event = hit
      const listed = r.status === 200 ? `listed ${events.length} events` : `answered ${statusAndBody(r)}`
      c.should(r.status === 200 && hit !== undefined, `GET /diagnostics/blocking ${listed}, none for /block/async-blocking with ms ≥ 200`, { body: '{"events":[{"route":"/block/async-blocking","ms":≥200,…}]}' }, observe(r))
      const o = c.outcome()
      return o.kind === 'fail' ? { ...o, level: 'SHOULD' } : o
    },
  },
]
