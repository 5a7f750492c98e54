/**
 * The one error catalogue of unblocked (modelled on fastify's `lib/errors`).
 *
 * Every error the framework raises or answers with has a stable code
 * `UNB_ERR_<AREA>_<PROBLEM>`, a message template and, where it maps to one, an HTTP status.
 * Codes are never reused or renamed; `docs/errors.md` lists the same codes and a test keeps
 * the two in step. Each error knows the response it produces (`toResponse`, hono's
 * `HTTPException#getResponse`); error-response.ts maps anything thrown to one.
 */
import type { WireResponse } from './response.ts'

/**
 * coerce.ts's `JSON_TYPE`, not imported from there: coerce.ts imports this module. A test keeps
 * the two equal.
 */
const JSON_TYPE = 'application/json; charset=utf-8'

export interface ErrorSpec {
  /** HTTP status the error answers with, or `undefined` for start-up / programming errors. */
  readonly status?: number
  /** Message template; `%s` placeholders are filled in order. */
  readonly message: string
}

export const ERRORS = {
  // -- routing ------------------------------------------------------------------------------
  UNB_ERR_ROUTE_NOT_FOUND: { status: 404, message: 'no route matches %s %s' },
  UNB_ERR_ROUTE_METHOD_NOT_ALLOWED: { status: 405, message: 'method %s is not allowed on %s' },
  UNB_ERR_ROUTE_DUPLICATE: { message: 'route %s %s is declared twice (%s and %s)' },
  UNB_ERR_ROUTE_INVALID: { message: 'invalid route %s: %s' },
  UNB_ERR_CONTROLLER_INVALID: { message: 'invalid controller %s: %s' },

  // -- request input ------------------------------------------------------------------------
  UNB_ERR_REQUEST_VALIDATION: { status: 422, message: 'request validation failed: %s' },
  UNB_ERR_REQUEST_MALFORMED_JSON: { status: 400, message: 'request body is not valid JSON: %s' },
  UNB_ERR_REQUEST_BODY_TOO_LARGE: { status: 413, message: 'request body exceeds the limit of %s bytes' },
  UNB_ERR_REQUEST_BAD: { status: 400, message: 'bad request: %s' },
  UNB_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'the request body must be JSON (application/json or a +json type), got Content-Type %s' },
  /** Raised by application code with a status of its choosing (`httpError(503, …)`); 500 is only the fallback. */
  UNB_ERR_HTTP_STATUS: { status: 500, message: '%s' },

  // -- handlers and responses ---------------------------------------------------------------
  UNB_ERR_HANDLER_FAILED: { status: 500, message: 'the handler for %s failed' },
  UNB_ERR_HANDLER_TIMEOUT: { status: 504, message: 'the handler for %s did not finish within %s ms; its worker was stopped and replaced' },
  UNB_ERR_CLIENT_GONE: { message: 'the client of %s disconnected before its handler finished; the call was dropped' },
  UNB_ERR_MODEL_INVALID: { message: 'invalid %s: %s' },
  UNB_ERR_RESPONSE_UNSERIALIZABLE: { status: 500, message: 'the value returned by %s cannot be serialized: %s' },
  UNB_ERR_RESPONSE_STREAM_FAILED: { message: 'the response body stream of %s failed after its head was sent: %s' },
  UNB_ERR_TEARDOWN_FAILED: { status: 500, message: 'the teardown of a dependency of %s failed' },
  UNB_ERR_BACKGROUND_INVALID: { message: 'background task of %s: %s' },
  UNB_ERR_CONTEXT_OUTSIDE_REQUEST: { message: 'context variable %s can only be set while handling a request' },

  UNB_ERR_BLOCKING_CALL: {
    status: 500,
    message: '%s blocks the event loop and was called by %s, which runs on the loop, at %s; move the work to a sync handler (it runs in the worker pool) or offload it',
  },

  // -- worker pool --------------------------------------------------------------------------
  UNB_ERR_POOL_SATURATED: { status: 503, message: 'the worker pool queue is full (%s queued); retry later' },
  UNB_ERR_POOL_WORKER_DIED: { status: 500, message: 'the worker running %s died: %s' },
  UNB_ERR_POOL_CLOSED: { status: 503, message: 'the server is shutting down' },
  UNB_ERR_TASK_UNKNOWN: { message: 'no offload task named %s is defined in %s (is the module imported by the app?)' },

  // -- dependency injection -----------------------------------------------------------------
  UNB_ERR_DI_NOT_INJECTABLE: { message: '%s is not injectable: decorate it with @injectable() or declare it with defineInjectable() (needed by %s)' },
  UNB_ERR_DI_SCOPE_VIOLATION: { message: '%s (scope %s) may not depend on %s, which is request-scoped: %s' },
  UNB_ERR_DI_CYCLE: { message: 'dependency cycle: %s' },
  UNB_ERR_DI_NO_REQUEST: { message: '%s is request-scoped and can only be resolved while handling a request' },

  // -- configuration and shared memory ------------------------------------------------------
  UNB_ERR_OPTIONS_INVALID: { message: '%s' },
  UNB_ERR_APP_IN_WORKER: {
    message: 'createApp was called inside a worker of the pool (while it loaded %s): every worker imports the app module to get its handlers, so that module must only define the app (export default defineApp(...)); start the server (createApp, listen) from a separate entry file',
  },
  UNB_ERR_SHARED_EXHAUSTED: { message: 'shared memory region is full: cannot allocate %s (%s bytes)' },
  UNB_ERR_SHARED_CONFLICT: { message: 'shared memory name %s was allocated with %s int32 cells, now asked for %s' },

  // -- command line (the `unblocked` CLI prints these as one line, never with a stack) ---------
  UNB_ERR_CLI_NO_SUCH_FILE: { message: 'no such file: %s' },
  UNB_ERR_CLI_FILE_UNREADABLE: { message: 'cannot read %s: %s' },
  UNB_ERR_CLI_PORT_IN_USE: { message: 'port %s is in use on %s' },
  UNB_ERR_CLI_CANNOT_WRITE: { message: 'cannot write %s: %s' },
} as const satisfies Record<string, ErrorSpec>

export type ErrorCode = keyof typeof ERRORS

function format(template: string, args: readonly unknown[]): string {
  let i = 0
  return template.replace(/%s/g, () => String(args[i++] ?? ''))
}

/** The JSON body every error response carries: a code and a message, never a stack trace. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly issues?: readonly FieldIssue[] }
}

/** Base of every error unblocked throws: a stable code, a status where one applies, and `cause`. */
export class UnblockedError extends Error {
  readonly code: ErrorCode
  readonly status: number | undefined

  /** `options.status` overrides the code's status (for `UNB_ERR_HTTP_STATUS`, raised with a status of the caller's choosing). */
  constructor(code: ErrorCode, args: readonly unknown[] = [], options?: { cause?: unknown; status?: number }) {
    const spec: ErrorSpec = ERRORS[code]
    super(format(spec.message, args), options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'UnblockedError'
    this.code = code
    this.status = options?.status ?? spec.status
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } }
  }

  /**
   * The response this error answers with: its status (500 for errors without one) and its JSON
   * body. Whether a 5xx should be sent as is or logged first is `outcomeOfError`'s business.
   *
   * @example
   * write(res, new UnblockedError('UNB_ERR_POOL_CLOSED').toResponse()) // 503 {"error": {...}}
   */
  toResponse(): WireResponse {
    return { status: this.status ?? 500, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(this.toBody()) }
  }
}

/** One problem with one input field, as reported in a 422 body. */
export interface FieldIssue {
  /** Where the value came from: `path`, `query`, `header`, `body` or a custom extractor's name. */
  readonly location: string
  /** Field name, dotted for nested body fields (`items.0.qty`); empty for the whole body. */
  readonly field: string
  /** What is wrong, in a few words (`expected an integer`, `required`). */
  readonly problem: string
}

/**
 * The one HTTP error class (hono's `HTTPException`): an error that knows the response it produces.
 * Throw it from handlers or custom extractors to answer with a 4xx/5xx JSON body.
 */
export class HttpError extends UnblockedError {
  readonly issues: readonly FieldIssue[] | undefined
  readonly headers: Readonly<Record<string, string>>

  constructor(
    code: ErrorCode,
    args: readonly unknown[] = [],
    options: { cause?: unknown; issues?: readonly FieldIssue[]; headers?: Record<string, string>; status?: number } = {},
  ) {
    super(code, args, { ...(options.cause !== undefined && { cause: options.cause }), ...(options.status !== undefined && { status: options.status }) })
    this.name = 'HttpError'
    this.issues = options.issues
    this.headers = options.headers ?? {}
  }

  /** The JSON body every error response carries, with the field issues of a 422; never a stack trace. */
  override toBody(): ErrorBody {
    return this.issues === undefined ? super.toBody() : { error: { code: this.code, message: this.message, issues: this.issues } }
  }

  /**
   * The response this error produces (hono's `HTTPException#getResponse`): its status, its
   * headers (`allow`, `retry-after`, …) and the JSON body.
   *
   * @example
   * new HttpError('UNB_ERR_ROUTE_METHOD_NOT_ALLOWED', ['PUT', '/x'], { headers: { allow: 'GET' } }).toResponse()
   * // { status: 405, headers: { allow: 'GET', 'content-type': 'application/json; charset=utf-8' }, body: '{"error":{...}}' }
   */
  override toResponse(): WireResponse {
    return { status: this.status ?? 500, headers: { ...this.headers, 'content-type': JSON_TYPE }, body: JSON.stringify(this.toBody()) }
  }
}

/**
 * An HTTP error with a status of your choosing, from a handler or a dependency: it answers with
 * that status and `{"error":{"code":"UNB_ERR_HTTP_STATUS","message":…}}` (FastAPI's
 * `HTTPException`, hono's `HTTPException`). A 5xx is logged as well.
 *
 * @example
 * throw httpError(503, 'the database is unavailable', { 'retry-after': '5' })
 */
export function httpError(status: number, message = `HTTP ${status}`, headers: Record<string, string> = {}): HttpError {
  if (!Number.isInteger(status) || status < 400 || status > 599) throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`httpError status must be an integer 400–599, got ${status}`])
  return new HttpError('UNB_ERR_HTTP_STATUS', [message], { status, headers })
}

export function validationError(issues: readonly FieldIssue[]): HttpError {
  const summary = issues.map((i) => `${i.location}${i.field ? ` ${i.field}` : ''}: ${i.problem}`).join('; ')
  return new HttpError('UNB_ERR_REQUEST_VALIDATION', [summary], { issues })
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value)
}
