import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startControlServer, type ControlServer } from './control-server.ts'
import { slotsFor } from './open-loop.ts'
import { Prober } from './prober.ts'
import type { ProbeJob } from './protocol.ts'

interface LocalServer {
  readonly url: string
  /** TCP connections accepted, and requests received, so far. */
  readonly seen: { connections: number; requests: number }
  close(): Promise<void>
}

/** A node:http server in this process on 127.0.0.1; `handle` answers (or not). */
async function localServer(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<LocalServer> {
  const seen = { connections: 0, requests: 0 }
  const server = createServer((req, res) => {
    seen.requests++
    handle(req, res)
  })
  server.on('connection', () => seen.connections++)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        // Also the connections of requests never answered: close() alone would wait for them.
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

const pong = (_req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'text/plain' })
  res.end('pong')
}

/** Blocks this thread (and so the servers in this process) for `ms`. */
function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** Every server started by a test, stopped after it whatever happened. */
async function withServers<T>(servers: LocalServer[], body: () => Promise<T>): Promise<T> {
  try {
    return await body()
  } finally {
    await Promise.all(servers.map((s) => s.close()))
  }
}

const LIMIT_MS = 20_000

let prober: Prober
let control: ControlServer

beforeAll(async () => {
  prober = new Prober()
  const started = await Promise.allSettled([prober.ready(), startControlServer()])
  if (started[1].status === 'fulfilled') control = started[1].value
  for (const s of started) if (s.status === 'rejected') throw s.reason
})

afterAll(async () => {
  await Promise.all([prober?.close(), control?.stop()])
})

describe('the control server', () => {
  it('answers GET /ping 200 from a process of its own, and 404 otherwise', async () => {
    expect(control.pid).not.toBe(process.pid)
    const ping = await fetch(`${control.url}/ping`)
    expect([ping.status, await ping.text()]).toEqual([200, 'pong'])
    const other = await fetch(`${control.url}/other`)
    await other.arrayBuffer()
    expect(other.status).toBe(404)
  })

  it('is gone once stopped', async () => {
    const extra = await startControlServer()
    await extra.stop()
    expect(() => process.kill(extra.pid, 0)).toThrow()
    await expect(fetch(`${extra.url}/ping`)).rejects.toThrow()
  })
})

describe('the prober, in its own process', () => {
  it('is a separate process', () => {
    expect(prober.pid).toBeTypeOf('number')
    expect(prober.pid).not.toBe(process.pid)
  })

  it('opens its connections before the schedule, then pings target and control at the same instants', async () => {
    const target = await localServer(pong)
    await withServers([target], async () => {
      const job: ProbeJob = { targetUrl: target.url, controlUrl: control.url, intervalMs: 10, durationMs: 1000, deadlineMs: 500, blockThresholdMs: 50 }
      const connected = await prober.connect(job, LIMIT_MS)
      expect(connected).toEqual({ target: slotsFor(job), control: slotsFor(job) })
      // Connected, not a single request yet: the schedule will not pay for connecting. The kernel
      // completes a handshake before this (busy) test process's server accepts it, so the
      // server's count may trail the prober's for a moment: wait for it, bounded.
      for (let i = 0; i < 200 && target.seen.connections < slotsFor(job); i++) await new Promise((r) => setTimeout(r, 10))
      expect(target.seen).toEqual({ connections: slotsFor(job), requests: 0 })
      const { target: t, control: c } = await prober.probe(job, LIMIT_MS)
      expect(target.seen.connections).toBe(slotsFor(job))
      expect([t.scheduled, t.served, t.failed, t.unanswered]).toEqual([100, 100, 0, 0])
      expect(c && [c.scheduled, c.served, c.failed, c.unanswered]).toEqual([100, 100, 0, 0])
      expect(t.timeline.map(([at]) => at)).toEqual(c?.timeline.map(([at]) => at))
      expect(t.timeline.slice(0, 3).map(([at]) => at)).toEqual([0, 10, 20])
      expect(target.seen.requests).toBe(100)
    })
  })

  it('a /ping that answers 503 serves nothing: every ping failed, and in the latency', async () => {
    const target = await localServer((_req, res) => {
      res.writeHead(503)
      res.end('busy')
    })
    await withServers([target], async () => {
      const { target: t, control: c } = await prober.probe({ targetUrl: target.url, intervalMs: 10, durationMs: 500, blockThresholdMs: 50 }, LIMIT_MS)
      expect(c).toBeUndefined()
      expect([t.scheduled, t.served, t.failed, t.unanswered]).toEqual([50, 0, 50, 0])
      expect(t.timeline).toHaveLength(50)
      expect(t.timeline.every(([, waited, ok]) => ok === 0 && waited > 0)).toBe(true)
      // Counted with their real wait: no longer a p99 of 0.001 ms from nothing.
      expect(t.latency.max).toBeGreaterThan(0)
    })
  })

  it('a refused connection is a failed ping', async () => {
    const gone = await localServer(pong)
    const url = gone.url
    await gone.close()
    const { target: t } = await prober.probe({ targetUrl: url, intervalMs: 20, durationMs: 200, blockThresholdMs: 50 }, LIMIT_MS)
    expect([t.scheduled, t.served, t.failed, t.unanswered]).toEqual([10, 0, 10, 0])
  })

  it('a 300 ms stall of the target shows as its stall and time blocked; the control stays fast', async () => {
    // The stall starts with the 30th ping (≈ 300 ms into the schedule), wherever the schedule started.
    let pings = 0
    const target = await localServer((req, res) => {
      pong(req, res)
      if (++pings === 30) setImmediate(() => blockFor(300))
    })
    await withServers([target], async () => {
      const job: ProbeJob = { targetUrl: target.url, controlUrl: control.url, intervalMs: 10, durationMs: 1000, blockThresholdMs: 50 }
      await prober.connect(job, LIMIT_MS)
      const { target: t, control: c } = await prober.probe(job, LIMIT_MS)
      expect(t.served).toBe(t.scheduled)
      expect(t.stallMaxMs).toBeGreaterThanOrEqual(250)
      // ≈ 300 − 50 for the one stall.
      expect(t.blockedMs).toBeGreaterThan(100)
      expect(t.blockThresholdMs).toBe(50)
      expect(c?.served).toBe(c?.scheduled)
      // Its own process was not stalled: only the machine's noise, far below the target's 300 ms.
      expect(c?.stallMaxMs).toBeLessThan(250)
    })
  })

  it('pings a server never answers are unanswered, counted with their wait, and the probe still ends', async () => {
    const target = await localServer(() => {})
    await withServers([target], async () => {
      const job: ProbeJob = { targetUrl: target.url, intervalMs: 10, durationMs: 500, deadlineMs: 500, blockThresholdMs: 50 }
      const t0 = performance.now()
      const { target: t } = await prober.probe(job, LIMIT_MS)
      const elapsed = performance.now() - t0
      expect([t.scheduled, t.served, t.failed, t.unanswered]).toEqual([50, 0, 0, 50])
      expect(t.timeline.every(([, waited]) => waited >= 500)).toBe(true)
      expect(t.latency.p50).toBeGreaterThanOrEqual(499)
      // The schedule, the deadline of its last ping, and generous slack (connecting, IPC).
      expect(elapsed).toBeLessThan(500 + 500 + 1500)
    })
  })

  it('rejects a job it cannot run, with the reason', async () => {
    await expect(prober.probe({ targetUrl: 'http://127.0.0.1:1', intervalMs: 0, durationMs: 100, blockThresholdMs: 50 }, LIMIT_MS)).rejects.toThrow('job.intervalMs must be a positive number, got 0')
    await expect(prober.probe({ targetUrl: 'ftp://x', intervalMs: 10, durationMs: 100, blockThresholdMs: 50 }, LIMIT_MS)).rejects.toThrow('job.targetUrl must be an http:// URL')
  })
})
