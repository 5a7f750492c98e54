/**
 * Anything thrown while handling a request, mapped to the response the client gets and, for a
 * server-side failure, the record the log gets. Beside the catalogue (errors.ts), whose errors
 * each know their own response; used on the loop (server, pool) and in workers (pipeline).
 */
import { HttpError, UnblockedError, type ErrorCode } from './errors.ts'
import type { ResponseBody, WireResponse } from './response.ts'
import type { BackgroundItem } from './dispatch/background.ts'

/** A server-side failure to log; never sent to the client. */
export interface Failure {
  readonly code: ErrorCode
  readonly route: string
  readonly message: string
  readonly stack?: string
}

/**
 * A response, the failure behind it when it is a 5xx the server caused, and the background tasks
 * the handler added (run after the response is sent; only when the handler succeeded).
 */
export interface Outcome<Body extends ResponseBody = WireResponse['body']> {
  readonly response: WireResponse<Body>
  readonly failure?: Failure
  readonly background?: readonly BackgroundItem[]
}

/**
 * An outcome decided in another thread — a sync dependency that failed in a worker — thrown on
 * the loop so the request answers with it, exactly as if it had failed here.
 */
export class Answered extends Error {
  readonly outcome: Outcome
  constructor(outcome: Outcome) {
    super(outcome.failure?.message ?? `answered ${outcome.response.status}`)
    this.name = 'Answered'
    this.outcome = outcome
  }
}

function describe(err: unknown): { message: string; stack?: string } {
  if (err instanceof Error) return err.stack === undefined ? { message: err.message } : { message: err.message, stack: err.stack }
  return { message: String(err) }
}

/** The log record of a failure in `routeId`, with the stack of `err` (the error itself, or the cause it wraps). */
export function failureOf(code: ErrorCode, routeId: string, err: unknown): Failure {
  return { code, route: routeId, ...describe(err) }
}

/**
 * Map anything thrown while handling `routeId` to a response, and to a log record for 5xx:
 * a 4xx `HttpError` is the client's problem and answers as it is; a coded 5xx answers as it is
 * and is logged; anything else is the handler's own failure — a generic 500 for the client (no
 * message of ours leaks the handler's), the stack for the log.
 */
export function outcomeOfError(err: unknown, routeId: string): Outcome {
  if (err instanceof Answered) return err.outcome
  if (err instanceof HttpError && (err.status ?? 500) < 500) return { response: err.toResponse() }
  if (err instanceof UnblockedError && err.status !== undefined) return { response: err.toResponse(), failure: failureOf(err.code, routeId, err) }
  const wrapped = new UnblockedError('UNB_ERR_HANDLER_FAILED', [routeId], { cause: err })
  return { response: wrapped.toResponse(), failure: failureOf(wrapped.code, routeId, err) }
}
