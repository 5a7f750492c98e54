/**
 * What `GET /health` gave while a spawned target started, in the words of a start-up failure:
 * what was observed ("GET /health answered 404 for 30 s"), never a guess at why.
 */
import { oneLine } from '../scenarios/one-line.ts'

/** The latest distinct answer to the start-up polls, since when it has been given, and the one before it. */
export interface HealthSeen {
  /** `answered 404`, or what went wrong on the way: `connection refused`, `no answer within 1 s`. */
  readonly what: string
  /** A status (rather than a transport failure): the wording differs. */
  readonly answered: boolean
  /** ms (any clock, the same for every call) when this answer was first seen in a row. */
  readonly since: number
  readonly before?: string
}

/** `prev` updated with a poll's answer at `at`: unchanged when it is the same answer again. */
export function seen(prev: HealthSeen | undefined, what: { status: number } | { error: string }, at: number): HealthSeen {
  const text = 'status' in what ? `answered ${what.status}` : what.error
  if (prev?.what === text) return prev
  return { what: text, answered: 'status' in what, since: at, ...(prev !== undefined && { before: prev.what }) }
}

/** A failed poll in a few words, from undici's error: `connection refused`, `no answer within 1 s`. */
export function pollError(err: unknown, timeoutMs: number): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string } }
  const code = e.code ?? e.cause?.code ?? ''
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return `no answer within ${seconds(timeoutMs)}`
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'connection reset'
  return oneLine(`${code === '' ? '' : `${code} `}${e.message ?? String(err)}`, 120)
}

/** `40 ms` under a second, `2.9 s` above. */
export const seconds = (ms: number): string => (ms < 1_000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`)

/**
 * Why the wait for a 200 ended at `now` after `limitMs`: "GET /health answered 404 for 30 s", or,
 * when the answer changed, "… for the last 12.3 s of 30 s (before that: connection refused)".
 */
export function neverHealthy(last: HealthSeen | undefined, limitMs: number, now: number): string {
  if (last === undefined) return `GET /health got no answer within ${seconds(limitMs)}`
  const head = last.answered ? `GET /health ${last.what}` : `GET /health: ${last.what}`
  if (last.before === undefined) return `${head} for ${seconds(limitMs)}`
  return `${head} for the last ${seconds(now - last.since)} of ${seconds(limitMs)} (before that: ${last.before})`
}

/** A line that reports a failure, in the words programs use for one. */
const FAILURE_WORDS = /error|exception|fatal|cannot|can't|failed|denied|refused|traceback|panic/i

/**
 * The last lines a target printed, as the tail of a one-line reason: `; its last output: "a ⏎ b"`.
 * The last line that reports a failure comes first when it is earlier than those: a crash's last
 * lines are often a stack's tail (Node ends with `}` and its version), its message further up.
 */
export function lastOutput(lines: readonly string[], count = 3): string {
  const tail = lines.slice(-count)
  if (tail.length === 0) return ''
  const failure = lines.slice(0, -count).findLast((l) => FAILURE_WORDS.test(l))
  const shown = failure === undefined || tail.some((l) => FAILURE_WORDS.test(l)) ? tail : [failure, '…', ...tail]
  return `; its last output: "${oneLine(shown.join(' ⏎ '), 300)}"`
}
