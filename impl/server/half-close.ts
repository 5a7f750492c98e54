/**
 * Clients that half-close: a client may shut down its sending side (TCP FIN) once its request is
 * sent and still read the answer. node's default ends the socket at that FIN and drops the answer;
 * `httpAllowHalfOpen` (node's own switch, not in its types) keeps it and closes after the answer.
 *
 * But a client that went away entirely sends the same FIN, and with the socket kept open nothing
 * tells the two apart until the server writes: the disconnect that ends abandoned work (a
 * response's `close` before it finished) would then come only with the answer. So after a FIN,
 * while the answer is pending, the server writes `100 Continue` — an interim response every
 * HTTP/1.1 client must accept and skip (curl, node and Python's http.client do) — now, after
 * 50 ms, and then at doubling intervals up to one a second: a client that only half-closed skips
 * them and reads the answer; one that is gone answers the first with a reset, the next write
 * fails, and the response closes (measured: 57 ms after it left, on loopback).
 */
import type { Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

const FIRST_MS = 50
const MAX_MS = 1_000
/** At most this many probes per connection (about ten minutes of a pending answer at one a second). */
const MAX_PROBES = 600

/**
 * Keep half-closed connections open for their answer, and probe them as above. `pending` finds
 * the response on `socket` still waiting for its head, if any.
 */
export function allowHalfClose(server: Server, pending: (socket: Socket) => ServerResponse | undefined): void {
  ;(server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true
  server.on('connection', (socket: Socket) => socket.once('end', () => probe(socket, pending)))
}

function probe(socket: Socket, pending: (socket: Socket) => ServerResponse | undefined): void {
  let timer: NodeJS.Timeout | undefined
  let delay = FIRST_MS
  let probes = 0
  const next = (): void => {
    const res = socket.destroyed ? undefined : pending(socket)
    // No interim response may go to an HTTP/1.0 client (RFC 9110 §15.2): it is not probed.
    if (res === undefined || res.headersSent || res.req.httpVersionMinor < 1 || probes++ >= MAX_PROBES) return
    res.writeContinue()
    timer = setTimeout(next, delay).unref()
    delay = Math.min(delay * 2, MAX_MS)
  }
  socket.once('close', () => clearTimeout(timer))
  next()
}
