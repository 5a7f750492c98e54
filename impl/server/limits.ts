/**
 * What one client may hold of the server, set deliberately rather than left at node's defaults
 * (60 s for a request head, 300 s for a whole request, no cap on connections, checked every 30 s):
 * with those, slow clients held 19,748 sockets (the fd limit) and one slow upload 309 s.
 * Validated like every other option: `createApp` checks them before it starts anything.
 */
import type { Server } from 'node:http'
import { UnblockedError } from '../errors.ts'

export interface ServerLimits {
  /**
   * Time a client has to send a request's head (request line and headers), ms. Past it the
   * server answers 408 and closes the connection (node: 60 000).
   * @default 10000
   */
  headersTimeout?: number
  /**
   * Time a client has to send a whole request, head and body, ms; a body still arriving then gets
   * 408 and the connection closed (node: 300 000). Handler time is not counted: the request was
   * received by then. At least `headersTimeout`. A 1 MiB body (the default `bodyLimit`) must
   * arrive at ≥ 35 KB/s: raise it with `bodyLimit` for slow clients with large bodies.
   * @default 30000
   */
  requestTimeout?: number
  /** How long an idle keep-alive connection is kept open between requests, ms. @default 5000 */
  keepAliveTimeout?: number
  /**
   * Open connections the server accepts at once; a connection beyond the cap is closed as soon
   * as it is accepted, and those already open keep working. Keeps far below the process's file
   * descriptor limit, which workers, logs and files share with sockets.
   * @default 4096
   */
  maxConnections?: number
}

export type ResolvedServerLimits = Readonly<Required<ServerLimits>>

export const DEFAULT_SERVER_LIMITS: ResolvedServerLimits = Object.freeze({
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  maxConnections: 4096,
})

/**
 * How much of a body the server reads and discards when it answers without reading it (404, 405,
 * 413, a failed body read), so that a client that sends a small body can finish sending and read
 * the answer. Past either bound the answer goes out with `Connection: close`, nothing more is
 * read, and the connection is closed `lingerMs` after the answer (body.ts): an endless body to a
 * 404 read 2.96–4.39 GB per socket in 5 s.
 */
export const DRAIN_LIMIT = Object.freeze({ bytes: 64 * 1024, ms: 2_000, lingerMs: 500 })

const invalid = (message: string): UnblockedError => new UnblockedError('UNB_ERR_OPTIONS_INVALID', [message])

function positiveInteger(name: keyof ServerLimits, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw invalid(`options.${name} must be a positive integer, got ${value}`)
  return value
}

/** Fill in the defaults and check each limit; throws `UNB_ERR_OPTIONS_INVALID` naming the first bad one. */
export function resolveServerLimits(options: ServerLimits = {}): ResolvedServerLimits {
  const d = DEFAULT_SERVER_LIMITS
  const headersTimeout = positiveInteger('headersTimeout', options.headersTimeout ?? d.headersTimeout)
  const requestTimeout = positiveInteger('requestTimeout', options.requestTimeout ?? d.requestTimeout)
  const keepAliveTimeout = positiveInteger('keepAliveTimeout', options.keepAliveTimeout ?? d.keepAliveTimeout)
  const maxConnections = positiveInteger('maxConnections', options.maxConnections ?? d.maxConnections)
  // node refuses the server otherwise; said here, in our words, before anything starts.
  if (headersTimeout > requestTimeout) throw invalid(`options.headersTimeout (${headersTimeout}) exceeds options.requestTimeout (${requestTimeout})`)
  return Object.freeze({ headersTimeout, requestTimeout, keepAliveTimeout, maxConnections })
}

/**
 * The options for node's `createServer`. node checks the head and request timeouts only every
 * `connectionsCheckingInterval` (30 s by default, which let a 300 s limit hold an upload 309 s):
 * checked every second here, or more often when a timeout is shorter than two seconds.
 */
export function serverOptions(l: ResolvedServerLimits): { headersTimeout: number; requestTimeout: number; keepAliveTimeout: number; connectionsCheckingInterval: number } {
  const connectionsCheckingInterval = Math.max(50, Math.min(1_000, Math.floor(l.headersTimeout / 2)))
  return { headersTimeout: l.headersTimeout, requestTimeout: l.requestTimeout, keepAliveTimeout: l.keepAliveTimeout, connectionsCheckingInterval }
}

/** The limits node takes as properties, not as `createServer` options. */
export function applyLimits(server: Server, l: ResolvedServerLimits): void {
  // node closes a connection accepted beyond the cap at once; open ones are not touched.
  server.maxConnections = l.maxConnections
}
