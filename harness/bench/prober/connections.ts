/**
 * The prober's connections to one server: a fixed set of keep-alive connections, each an undici
 * `Client` with one request at a time, opened *before* the schedule starts.
 *
 * Why not one undici Pool: a Pool opens a connection at the first request that needs it, so the
 * first stall would make the prober connect (in the middle of the measurement), and it reuses its
 * first free connection, so the others idle until the server's keep-alive timeout closes them.
 * Here every slot gets a TCP connection up front (a bare connect, no request: a server that never
 * answers still accepts in its kernel), handed to undici through its `connect` option, and pings
 * go round the slots so each is used about every `deadline` ms and stays open. There are enough
 * slots for every ping that can be waiting at once (deadline ÷ interval, + 2), so a stalled server
 * never makes a ping queue in the client: its wait is the server's.
 */
import { connect as tcpConnect, type Socket } from 'node:net'
import { Client, type buildConnector } from 'undici'
import type { PingOutcome } from './ping-stats.ts'

/** A /ping body is small; a bigger one is not a ping answer, and reading it would cost the prober. */
const MAX_BODY_BYTES = 64 * 1024

export interface PingEnd {
  readonly outcome: PingOutcome
  /** performance.now() when it was answered, failed or given up. */
  readonly endedAt: number
}

interface Slot {
  readonly client: Client
  busy: boolean
}

/** Open a TCP connection; resolves undefined if it cannot within `timeoutMs` (the ping that needs it then fails). */
function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port, noDelay: true })
    const timer = setTimeout(() => {
      socket.destroy()
      resolve(undefined)
    }, timeoutMs)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.off('error', onError)
      resolve(socket)
    })
    const onError = (): void => {
      clearTimeout(timer)
      resolve(undefined)
    }
    socket.once('error', onError)
  })
}

/**
 * undici's connector for one slot: its pre-opened socket the first time, a fresh connection after
 * (the server closed the first, or a ping was given up and undici dropped it).
 */
function slotConnector(preopened: Socket | undefined): buildConnector.connector {
  let first = preopened
  // A pre-opened socket the server resets before its first use must not crash the process.
  const idleError = (): void => {}
  first?.on('error', idleError)
  return ({ hostname, port }, callback) => {
    const socket = first
    first = undefined
    if (socket !== undefined) {
      socket.off('error', idleError)
      if (!socket.destroyed && socket.readyState === 'open') {
        // Never synchronously: undici calls the connector while resuming its queue, and a
        // connection handed back within that call waits for the next request to be noticed.
        process.nextTick(() => callback(null, socket))
        return
      }
      socket.destroy()
    }
    const fresh = tcpConnect({ host: hostname, port: Number(port), noDelay: true })
    const onError = (err: Error): void => callback(err, null)
    fresh.once('error', onError)
    fresh.once('connect', () => {
      fresh.off('error', onError)
      callback(null, fresh)
    })
  }
}

export class PingConnections {
  readonly url: string
  /** Slots opened by `open`. */
  readonly size: number
  /** Connections opened by `open`, before any ping (fewer than `size` if the server refused some). */
  readonly preconnected: number
  readonly #slots: Slot[]
  readonly #preopened: readonly Socket[]
  readonly #deadlineMs: number
  #next = 0

  private constructor(url: string, slots: Slot[], preopened: readonly Socket[], deadlineMs: number) {
    this.url = url
    this.size = slots.length
    this.preconnected = preopened.length
    this.#slots = slots
    this.#preopened = preopened
    this.#deadlineMs = deadlineMs
  }

  /** Open `size` connections to `url` (http only) before any ping; resolves once each connected or failed. */
  static async open(url: string, size: number, deadlineMs: number): Promise<PingConnections> {
    const { hostname, port } = new URL(url)
    const sockets = await Promise.all(Array.from({ length: size }, () => openSocket(hostname, Number(port || 80), deadlineMs)))
    const slots = sockets.map((s): Slot => ({ client: PingConnections.#client(url, s, deadlineMs), busy: false }))
    return new PingConnections(url, slots, sockets.filter((s) => s !== undefined), deadlineMs)
  }

  static #client(url: string, socket: Socket | undefined, deadlineMs: number): Client {
    // The ping's own deadline ends it; undici's timeouts only back that up. A long keep-alive so
    // the client never closes a connection between two turns of the round.
    return new Client(url, { pipelining: 1, connect: slotConnector(socket), headersTimeout: deadlineMs + 1000, bodyTimeout: deadlineMs + 1000, keepAliveTimeout: 60_000 })
  }

  /**
   * GET `path`; settles by `deadlineAt` (a performance.now() time) at the latest: a ping without a
   * whole answer by then is given up, its connection dropped, and it ends `unanswered` at once,
   * whatever undici does next. Never rejects.
   */
  ping(path: string, deadlineAt: number): Promise<PingEnd> {
    const slot = this.#take()
    return new Promise((resolve) => {
      let settled = false
      const end = (outcome: PingOutcome): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve({ outcome, endedAt: performance.now() })
      }
      const abort = new AbortController()
      const timer = setTimeout(() => {
        end('unanswered')
        abort.abort()
      }, Math.max(0, deadlineAt - performance.now()))
      slot.busy = true
      slot.client
        .request({ method: 'GET', path, signal: abort.signal })
        .then(async (res) => {
          let bytes = 0
          for await (const chunk of res.body as AsyncIterable<Buffer>) {
            bytes += chunk.length
            if (bytes > MAX_BODY_BYTES) {
              res.body.destroy()
              end('failed')
              return
            }
          }
          end(res.statusCode === 200 ? 'served' : 'failed')
        })
        .catch(() => end('failed'))
        .finally(() => {
          slot.busy = false
        })
    })
  }

  /** The next free slot in the round; a new one (connected on demand) if all are busy, which the sizing should prevent. */
  #take(): Slot {
    const n = this.#slots.length
    for (let i = 0; i < n; i++) {
      const slot = this.#slots[(this.#next + i) % n] as Slot
      if (!slot.busy) {
        this.#next = (this.#next + i + 1) % n
        return slot
      }
    }
    const extra: Slot = { client: PingConnections.#client(this.url, undefined, this.#deadlineMs), busy: false }
    this.#slots.push(extra)
    return extra
  }

  async close(): Promise<void> {
    await Promise.all(this.#slots.map((s) => s.client.destroy()))
    // A slot the round never reached still holds its pre-opened socket, which undici never saw.
    for (const socket of this.#preopened) socket.destroy()
  }
}
