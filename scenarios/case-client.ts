/**
 * The client a case runs with: the run's client, with the case's stop signal on every request (an
 * abort ends them as 'interrupted': the case's deadline, the run's, an interrupt) and a record of
 * what the case sent, so that a case cut at its deadline is reported with what it saw.
 */
import { TransportError, type Reply, type RequestOptions, type TargetClient } from './client.ts'
import { round } from './stats.ts'

/** What a case had sent when it was looked at. */
export interface Activity {
  readonly sent: number
  /** Answers by status. */
  readonly answered: Readonly<Record<string, number>>
  /** Failures by transport kind ('other' for anything else). */
  readonly failed: Readonly<Record<string, number>>
  /** The requests still waiting, oldest first: `GET /path` and for how long, ms. */
  readonly inFlight: readonly { readonly request: string; readonly forMs: number }[]
}

export interface CaseClient {
  /** Give this to the case. */
  readonly client: TargetClient
  activity(): Activity
}

/**
 * A view of `run` whose requests also end when `stop` aborts, recording what they did. The view
 * inherits from `run` (its prototype), so it shares its connections, and a unit test's fake client
 * works as well as the real one.
 */
export function caseClient(run: TargetClient, stop: AbortSignal): CaseClient {
  let sent = 0
  const answered: Record<string, number> = {}
  const failed: Record<string, number> = {}
  const inFlight = new Map<number, { request: string; t0: number }>()
  const request = async (path: string, opts: RequestOptions = {}): Promise<Reply> => {
    const id = sent++
    inFlight.set(id, { request: `${opts.method ?? 'GET'} ${path}`, t0: performance.now() })
    try {
      const reply = await run.request(path, { ...opts, interrupt: opts.interrupt === undefined ? stop : AbortSignal.any([opts.interrupt, stop]) })
      answered[reply.status] = (answered[reply.status] ?? 0) + 1
      return reply
    } catch (err) {
      const kind = err instanceof TransportError ? err.kind : 'other'
      failed[kind] = (failed[kind] ?? 0) + 1
      throw err
    } finally {
      inFlight.delete(id)
    }
  }
  const client = Object.create(run, {
    request: { value: request },
    // The connections are the run's: the run closes them.
    close: { value: async (): Promise<void> => {} },
  }) as TargetClient
  const activity = (): Activity => {
    const now = performance.now()
    return { sent, answered: { ...answered }, failed: { ...failed }, inFlight: [...inFlight.values()].map((r) => ({ request: r.request, forMs: round(now - r.t0) })) }
  }
  return { client, activity }
}

const tally = (counts: Readonly<Record<string, number>>): string =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} × ${n}`)
    .join(', ')
const sum = (counts: Readonly<Record<string, number>>): number => Object.values(counts).reduce((a, n) => a + n, 0)
const seconds = (ms: number): string => `${round(ms / 1000)} s`

/**
 * `a` for a reason: `it had sent 12 requests: 9 answered (200 × 8, 404 × 1), 1 failed (timeout × 1),
 * 2 in flight (GET /block/sync?ms=500 for 29.9 s, …)`.
 */
export function describeActivity(a: Activity): string {
  if (a.sent === 0) return 'it had sent no request'
  const parts = [`${sum(a.answered)} answered${sum(a.answered) > 0 ? ` (${tally(a.answered)})` : ''}`]
  if (sum(a.failed) > 0) parts.push(`${sum(a.failed)} failed (${tally(a.failed)})`)
  const shown = a.inFlight.slice(0, 3).map((r) => `${r.request} for ${seconds(r.forMs)}`)
  const more = a.inFlight.length > shown.length ? `, ${a.inFlight.length - shown.length} more` : ''
  parts.push(a.inFlight.length === 0 ? 'none in flight' : `${a.inFlight.length} in flight (${shown.join(', ')}${more})`)
  return `it had sent ${a.sent} request${a.sent === 1 ? '' : 's'}: ${parts.join(', ')}`
}
