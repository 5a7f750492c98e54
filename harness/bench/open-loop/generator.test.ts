import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { runOpenLoop, type OpenLoopSample } from './generator.ts'

// Every server a test starts is stopped after it, also when the test fails.
const servers: Server[] = []
const children: ChildProcess[] = []
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections()
      return new Promise((resolve) => s.close(resolve))
    }),
  )
})

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler)
  servers.push(server)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** Answers every request after `ms`, without blocking the event loop the generator shares. */
const delayed = (ms: number, body = 'ok') => serve((_req, res) => void setTimeout(() => res.end(body), ms))

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

describe('open-loop latency, against servers whose behaviour is known', () => {
  it('a server that answers in 20 ms, with connections to spare: latency ≈ 20 ms, everything served', async () => {
    const origin = await delayed(20)
    const r = await runOpenLoop({ origin, method: 'GET', path: '/', rateRps: 200, durationSec: 1, connections: 20 })
    // (Whether the generator kept to its schedule depends on the CPU it gets on a shared machine: not asserted here.)
    expect(r).toMatchObject({ scheduled: 200, completed: 200, failed: 0, unanswered: 0, capped: false })
    expect(r.latency.p50).toBeGreaterThanOrEqual(19) // timers may fire a hair early, never 2 ms
    expect(r.latency.p50).toBeLessThan(60) // generous: a shared 2-core machine
    expect(r.achievedRps).toBeGreaterThan(150)
    expect(r.achievedRps).toBeLessThanOrEqual(200)
  })

  it('one connection at 100/s to a server that serves 50/s: the queue is counted, latency grows along the run', async () => {
    const origin = await delayed(20)
    const samples: OpenLoopSample[] = []
    const r = await runOpenLoop({ origin, method: 'GET', path: '/', rateRps: 100, durationSec: 1, connections: 1, observe: (s) => samples.push(s) })
    // Request i is answered at about (i + 1) × 20 ms and was due at i × 10 ms: it waited ≈ 20 + 10 i ms.
    // A closed loop would have read 20 ms for every one of them.
    expect(r.scheduled).toBe(100)
    expect(r.completed).toBe(100) // the last is answered ≈ 2 s in: inside the schedule (1 s) + drain (2 s)
    expect(r.latency.p50).toBeGreaterThan(250) // ≈ 520 by the arithmetic above
    expect(r.latency.max).toBeGreaterThan(600) // ≈ 1,010
    expect(r.achievedRps).toBeLessThan(70) // ≈ 50: what the server managed, not the 100 asked
    const byIndex = [...samples].sort((a, b) => a.index - b.index)
    const first = mean(byIndex.slice(0, 10).map((s) => s.latencyMs))
    const last = mean(byIndex.slice(-10).map((s) => s.latencyMs))
    expect(last).toBeGreaterThan(first * 5) // ≈ 965 vs ≈ 65
    expect(r.sendLag.p99).toBeLessThan(100) // the wait was the server's, not the generator's (generous: a shared machine)
  })

  it('a server that stalls its event loop for 300 ms once: max ≥ 250 ms, and many requests saw it, with only 4 connections', async () => {
    // A real stall needs its own process: blocking this one would stall the generator too.
    const script = `
      const http = require('node:http'); let n = 0
      const s = http.createServer((req, res) => { if (++n === 34) { const end = Date.now() + 300; while (Date.now() < end); } res.end('ok') })
      s.listen(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'))`
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    children.push(child)
    const [line] = (await once(child.stdout as NonNullable<typeof child.stdout>, 'data')) as [Buffer]
    const origin = `http://127.0.0.1:${line.toString().trim()}`
    const samples: OpenLoopSample[] = []
    // 4 preconnect requests, then request 30 of the run (due at 300 ms) meets the stall.
    const r = await runOpenLoop({ origin, method: 'GET', path: '/', rateRps: 100, durationSec: 1, connections: 4, observe: (s) => samples.push(s) })
    expect(r).toMatchObject({ scheduled: 100, completed: 100, failed: 0 })
    expect(r.latency.max).toBeGreaterThanOrEqual(250)
    // Every request due during the stall waited: about 30 of them (300 ms at 100/s), not the ≤ 4 in flight.
    expect(samples.filter((s) => s.latencyMs > 100).length).toBeGreaterThanOrEqual(15)
  })

  it('a server that answers 503: every request failed, none completed, the latency still recorded', async () => {
    const origin = await serve((_req, res) => {
      res.statusCode = 503
      res.end('busy')
    })
    const r = await runOpenLoop({ origin, method: 'GET', path: '/', rateRps: 100, durationSec: 0.5, connections: 4 })
    expect(r).toMatchObject({ scheduled: 50, completed: 0, failed: 50, unanswered: 0, achievedRps: 0 })
    expect(r.latency.max).toBeGreaterThan(0)
  })

  it('a body that fails the scenario`s check is failed; a request unanswered by the deadline is failed and waited until it', async () => {
    let n = 0
    // Every 5th request is never answered; every other odd one answers the wrong body.
    const origin = await serve((_req, res) => {
      n++
      if (n % 5 === 0) return
      res.end(n % 2 === 0 ? 'good' : 'bad')
    })
    const r = await runOpenLoop({ origin, method: 'GET', path: '/', rateRps: 50, durationSec: 0.4, connections: 30, preconnect: false, drainMs: 300, check: (b) => b === 'good' })
    // n = 1..20: unanswered 5, 10, 15, 20; good: even and not a multiple of 5 → 2, 4, 6, 8, 12, 14, 16, 18.
    expect(r).toMatchObject({ scheduled: 20, completed: 8, failed: 12, unanswered: 4 })
    // The unanswered waited from their due time to the end of the window (400 ms) plus the drain (300 ms).
    expect(r.latency.max).toBeGreaterThanOrEqual(300)
  })

  it('a generator that falls behind its own schedule cannot hide it: flagged, and the delay is in the latencies', async () => {
    const origin = await delayed(1)
    // Block this process (the generator's) for 150 ms a third of the way in.
    setTimeout(() => {
      const end = performance.now() + 150
      while (performance.now() < end);
    }, 300)
    const r = await runOpenLoop({ origin, method: 'GET', path: '/', rateRps: 100, durationSec: 1, connections: 10, preconnect: false })
    expect(r.completed).toBe(100)
    expect(r.generatorBehind).toBe(true)
    expect(r.sendLag.max).toBeGreaterThanOrEqual(100)
    expect(r.latency.max).toBeGreaterThanOrEqual(100)
  })

  it('rejects a connection count that would make an empty pool', async () => {
    await expect(runOpenLoop({ origin: 'http://127.0.0.1:9', method: 'GET', path: '/', rateRps: 1, durationSec: 1, connections: 0 })).rejects.toThrow('connections must be a positive integer (got 0)')
  })
})
