/**
 * Load scenarios (stable ids). All use contract endpoints, so every target runs every scenario.
 * `body` validates responses *during* the load: a failed check counts as a mismatch.
 */
import { bodyCheck, exactBody } from './body-pattern.ts'

export interface Scenario {
  readonly id: string
  readonly description: string
  readonly method: 'GET' | 'POST'
  readonly path: string
  /** Concurrent connections, unless overridden by --connections. */
  readonly connections: number
  /**
   * What each response body under load must match: a Lua pattern (body-pattern.ts), so that wrk's
   * Lua hook and autocannon apply the same check.
   */
  readonly body: string
  /** `body` as a function. */
  readonly check: (body: string) => boolean
  /** Probe `/ping` open-loop while the load runs (coordinated-omission-free latency). */
  readonly ping?: { intervalMs: number }
  /** CPU placement: `split` pins target and load generator to separate CPUs; `target-all` leaves the target every CPU. */
  readonly cpus: 'split' | 'target-all'
  /**
   * Scenarios that a requirement compares with each other share a group, and their trials run
   * interleaved (trial k of each, target by target, then trial k+1): both sides of the ratio are
   * measured moments apart, not a minute apart, on a machine whose load drifts.
   */
  readonly group?: string
}

/** Rounds of SHA-256 per `/cpu/sync` request: about 10–20 ms of work on this project's machine. */
export const CPU_ROUNDS = 10_000

/** `body` and `check` for a pattern. */
const matching = (pattern: string) => ({ body: pattern, check: bodyCheck(pattern) })
/** Exactly this JSON, whitespace aside. */
const isJson = (want: unknown) => matching(exactBody(JSON.stringify(want)))

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'json-async',
    description: 'GET /coerce/async/dict — raw dispatch throughput of async handlers',
    method: 'GET',
    path: '/coerce/async/dict',
    connections: 50,
    ...isJson({ kind: 'dict', n: 1 }),
    cpus: 'split',
    group: 'dispatch',
  },
  {
    id: 'json-sync',
    description: 'GET /coerce/sync/dict — what offloading a trivial sync handler costs',
    method: 'GET',
    path: '/coerce/sync/dict',
    connections: 50,
    ...isJson({ kind: 'dict', n: 1 }),
    cpus: 'split',
    group: 'dispatch',
  },
  {
    id: 'io-wait-async',
    description: 'GET /block/async?ms=10 at 100 connections — concurrency of waiting',
    method: 'GET',
    path: '/block/async?ms=10',
    connections: 100,
    ...isJson({ slept: 10 }),
    cpus: 'split',
  },
  {
    id: 'io-wait-sync',
    description: 'GET /block/sync?ms=10 at 100 connections — how many blocking sync handlers overlap',
    method: 'GET',
    path: '/block/sync?ms=10',
    connections: 100,
    ...isJson({ slept: 10 }),
    cpus: 'split',
  },
  {
    id: 'cpu-sync',
    description: `GET /cpu/sync?n=${CPU_ROUNDS} — does CPU-bound sync work use more than one core (target gets every CPU)`,
    method: 'GET',
    path: `/cpu/sync?n=${CPU_ROUNDS}`,
    connections: 8,
    ...matching(`^{"digest":"${'[0-9a-f]'.repeat(64)}"}$`),
    cpus: 'target-all',
  },
  {
    id: 'ping-under-sync-blocking',
    description: 'GET /block/sync?ms=50 load plus an open-loop /ping every 10 ms — the latency other requests see',
    method: 'GET',
    path: '/block/sync?ms=50',
    connections: 16,
    ...isJson({ slept: 50 }),
    ping: { intervalMs: 10 },
    cpus: 'split',
  },
  {
    id: 'counter-contention',
    description: 'POST /counter/locked — throughput of lock-protected shared state',
    method: 'POST',
    path: '/counter/locked',
    connections: 50,
    ...matching('^{"n":%d+}$'),
    cpus: 'split',
  },
]

export function scenarioById(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id)
}
