/**
 * What the cases that load the target and watch `/ping` meanwhile share: firing requests together,
 * the probe's numbers for `data`, the ping verdict, the `{"slept":N}` check, and the outcome for an
 * optional endpoint that answered 404.
 */
import { Checker, observe, statusAndBody } from '../check.ts'
import type { Reply, RequestOptions, TargetClient } from '../client.ts'
import { oneLine } from '../one-line.ts'
import type { ProbeResult } from '../prober.ts'
import type { Outcome } from '../types.ts'

/** Worst acceptable ping latency while blocking work runs elsewhere, ms (contract v1; v2 allows 250 ms with 64 requests in flight). */
export const PING_LIMIT_MS = 100

/** `n` requests to `path`, all sent at once. */
export function concurrent(client: TargetClient, path: string, n: number, opts: RequestOptions = {}): Promise<Reply[]> {
  return Promise.all(Array.from({ length: n }, () => client.request(path, opts)))
}

/** Warm connections and workers so the first measured request does not pay for start-up; returns the replies. */
export function warm(client: TargetClient, path: string, n: number, opts: RequestOptions = {}): Promise<Reply[]> {
  return concurrent(client, path, n, opts)
}

/** A probe summary for `data`: the numbers without the per-ping timeline. */
export function probeData(p: ProbeResult): Record<string, unknown> {
  return { pings: p.sent, pingFailures: p.failed, worstPingMs: p.worstMs, p50PingMs: p.p50Ms, p99PingMs: p.p99Ms, pingIntervalMs: p.intervalMs, pingTimeline: p.samples.map((s) => [s.at, s.ms, s.ok ? 1 : 0]) }
}

/** The pings' verdict while `during` (`4 × GET /block/sync?ms=400`) ran: what they met, not why. */
export function checkProbe(c: Checker, p: ProbeResult, during: string, limitMs = PING_LIMIT_MS): void {
  c.must(p.failed === 0, `${p.failed} of ${p.sent} GET /ping failed while ${during} ran (${oneLine(p.failures.join('; '))})`, { pingFailures: 0 }, { pingFailures: p.failed })
  c.must(p.worstMs < limitMs, `pings waited up to ${p.worstMs} ms (bound ${limitMs} ms) while ${during} ran`, { worstPingMs: `< ${limitMs}` }, { worstPingMs: p.worstMs })
}

/** MUST: every reply is 200 `{"slept":ms}`. */
export function checkSlept(c: Checker, replies: readonly Reply[], path: string, ms: number): void {
  const bad = replies.filter((r) => r.status !== 200 || !r.body.toString('utf8').replace(/\s/g, '').includes(`"slept":${ms}`))
  const first = bad[0]
  const reason = `${bad.length} of ${replies.length} GET ${path} answered ${first === undefined ? '' : statusAndBody(first)}${bad.length > 1 ? ' (the first)' : ''}, expected 200 {"slept":${ms}}`
  c.must(first === undefined, reason, { status: 200, body: `{"slept":${ms}}` }, first && observe(first))
}

/** The first of `replies` that answered 404, as the outcome of a case whose optional endpoint is missing (`request`: `GET /x`). */
export function missingEndpoint(replies: readonly Reply[], request: string): Outcome | undefined {
  const notFound = replies.find((r) => r.status === 404)
  if (notFound === undefined) return undefined
  return { kind: 'unimplemented', reason: `${request} answered 404: the endpoint is missing`, actual: observe(notFound) }
}
