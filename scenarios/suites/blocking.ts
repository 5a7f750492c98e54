/**
 * `blocking.*`: does blocking work in sync handlers stay off the event loop? Thresholds are
 * generous on purpose (a verdict must not flip because the machine is busy) and every case
 * records its raw numbers. The cases judged by a time bound are `timing`: a failure is tried
 * again before it stands (../attempts.ts).
 */
import { createHash } from 'node:crypto'
import { Checker, observe } from '../check.ts'
import type { Reply, TargetClient } from '../client.ts'
import { probeDuring, type ProbeResult } from '../prober.ts'
import type { CaseDef, CaseContext, Outcome } from '../types.ts'
import { round } from '../stats.ts'
import { heavyDigest } from './heavy-digest.ts'

/** Worst acceptable ping latency while blocking work runs elsewhere, ms. */
export const PING_LIMIT_MS = 100

export function sha256Chain(rounds: number): string {
  let d = createHash('sha256').update('unblocked', 'ascii').digest()
  for (let i = 0; i < rounds; i++) d = createHash('sha256').update(d).digest()
  return d.toString('hex')
}

/** A probe summary for `data`: the numbers without the per-ping timeline. */
function probeData(p: ProbeResult): Record<string, unknown> {
  return { pings: p.sent, pingFailures: p.failed, worstPingMs: p.worstMs, p50PingMs: p.p50Ms, p99PingMs: p.p99Ms, pingIntervalMs: p.intervalMs, pingTimeline: p.samples.map((s) => [s.at, s.ms, s.ok ? 1 : 0]) }
}

function checkProbe(c: Checker, p: ProbeResult): void {
  c.must(p.failed === 0, `${p.failed} of ${p.sent} pings failed (${p.failures.join('; ')})`, { pingFailures: 0 }, { pingFailures: p.failed })
  c.must(p.worstMs < PING_LIMIT_MS, `worst ping latency ${p.worstMs} ms ≥ ${PING_LIMIT_MS} ms: the event loop was blocked`, { worstPingMs: `< ${PING_LIMIT_MS}` }, { worstPingMs: p.worstMs })
}

function concurrent(client: TargetClient, path: string, n: number): Promise<Reply[]> {
  return Promise.all(Array.from({ length: n }, () => client.request(path)))
}

/** Warm connections and workers so the first measured request does not pay for start-up. */
async function warm(client: TargetClient, path: string, n: number): Promise<void> {
  await concurrent(client, path, n)
}

function checkSlept(c: Checker, replies: readonly Reply[], ms: number): void {
  const bad = replies.find((r) => r.status !== 200 || !r.body.toString('utf8').replace(/\s/g, '').includes(`"slept":${ms}`))
  c.must(bad === undefined, `a blocking request did not answer 200 {"slept":${ms}}`, { status: 200, body: `{"slept":${ms}}` }, bad && observe(bad))
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
      checkSlept(c, result.value, Number(/ms=(\d+)/.exec(path)?.[1]))
      checkProbe(c, probe)
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
    description: `/cpu/${mode}?n=K returns the right SHA-256 chain digest for several K, and pings stay under ${PING_LIMIT_MS} ms while a heavy K runs`,
    async run({ client, timeoutMs }) {
      const c = new Checker()
      for (const k of [0, 1, 3, 1000]) {
        const want = sha256Chain(k)
        const r = await client.request(`/cpu/${mode}?n=${k}`)
        c.mustMatch(r, { status: 200, type: 'application/json', json: { digest: want } })
      }
      // About 300 ms of work, and its digest: computed in a worker that has exited before the probe
      // starts, so neither its CPU nor its garbage is in the prober's process while it measures.
      const { rounds: heavy, digest: want } = await heavyDigest({ targetMs: 300 })
      c.data.heavyK = heavy
      const { probe, result } = await probeDuring(client, () => client.request(`/cpu/${mode}?n=${heavy}`, { timeoutMs: Math.max(timeoutMs, 30_000) }))
      Object.assign(c.data, probeData(probe))
      if (result.status === 'rejected') throw result.reason
      c.data.heavyMs = round(result.value.ms)
      c.mustMatch(result.value, { status: 200, type: 'application/json', json: { digest: want } })
      checkProbe(c, probe)
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
      checkSlept(c, replies, 300)
      c.must(last <= 600, `the last of 4 finished ${last} ms after the first send; parallel handlers finish within 600 ms`, { lastFinishMs: '≤ 600' }, { lastFinishMs: last })
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
      const data = probeData(probe)
      return { kind: 'info', reason: `worst ping latency ${probe.worstMs} ms while the handler blocked the loop for 300 ms`, data }
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
      checkSlept(c, result.value, 200)
      checkProbe(c, probe)
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
      await client.request('/block/async-blocking?ms=300')
      const r = await client.request('/diagnostics/blocking')
      const c = new Checker()
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
      c.should(r.status === 200 && hit !== undefined, 'no event for /block/async-blocking with ms ≥ 200', { body: '{"events":[{"route":"/block/async-blocking","ms":≥200,…}]}' }, observe(r))
      const o = c.outcome()
      return o.kind === 'fail' ? { ...o, level: 'SHOULD' } : o
    },
  },
]
