/**
 * One suite every driver runs, against tiny servers on 127.0.0.1 whose answers are known: the
 * drivers must count the same things the same way. wrk's runs are skipped where wrk is not
 * installed (it is an optional system tool, not a dependency).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { exactBody } from '../body-pattern.ts'
import { SCENARIOS } from '../scenarios.ts'
import { DRIVERS, WRK_MISSING, type DriverResult, type LoadDriver } from './index.ts'

const linux = process.platform === 'linux'

/** Run `body` against a server answering with `handler`; the server is closed however it ends. */
async function withServer<T>(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void, body: (url: string) => Promise<T>): Promise<T> {
  let n = 0
  const server = createServer((req, res) => handler(req, res, ++n))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    return await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  } finally {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
}

const answer = (res: ServerResponse, status: number, text: string): void => {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

const drivers: [string, LoadDriver][] = Object.entries(DRIVERS)

describe.each(drivers)('driver %s', (_name, driver) => {
  const missing = driver.unavailable()
  const skip = missing !== undefined
  // The reason for a skip, in every title it applies to.
  const where = missing === undefined ? '' : ` (skipped: ${missing})`

  it.skipIf(skip)(`counts answers by status, and a wrong body as a mismatch${where}`, async () => {
    const seen = new Set<string>()
    // Every 5th answer has a wrong body and status 299, so the mismatches must equal the 299s exactly
    // (answers still in flight when the run stops are in neither count); every 7th is a 503 with a good body.
    const r = await withServer(
      (req, res, n) => {
        seen.add(`${req.method} ${req.url}`)
        if (n % 5 === 0) answer(res, 299, '{"ok":false}')
        else answer(res, n % 7 === 0 ? 503 : 200, n % 2 === 0 ? '{"ok":true}' : '{ "ok": true }\n')
      },
      (url) => driver.run({ url, method: 'POST', path: '/x?ms=10', connections: 4, durationSec: 1, timeoutSec: 5, body: exactBody('{"ok":true}') }),
    )
    expect([...seen]).toEqual(['POST /x?ms=10'])
    expect(r.requests).toBeGreaterThan(50)
    expect(Object.keys(r.statusCodes).sort()).toEqual(['200', '299', '503'])
    expect(r.requests).toBe(Object.values(r.statusCodes).reduce((a, b) => a + b, 0))
    expect(r.mismatches).toBe(r.statusCodes['299'])
    expect(r.non2xx).toBe(r.statusCodes['503'])
    expect(r).toMatchObject({ errors: 0, timeouts: 0 })
    expect(r.rps).toBeCloseTo(r.requests / r.durationSec, 6)
    expect(r.latency.p50).toBeGreaterThan(0)
    expect(r.latency.p50).toBeLessThanOrEqual(r.latency.max)
  })

  it.skipIf(skip)(`connection errors exclude timeouts: 3 reset connections and 1 answer after the timeout${where}`, async () => {
    const resets = new Set([20, 40, 60])
    const r: DriverResult = await withServer(
      (req, res, n) => {
        if (resets.has(n)) req.socket.resetAndDestroy()
        else if (n === 10) setTimeout(() => answer(res, 200, '{"ok":true}'), 1_300)
        else answer(res, 200, '{"ok":true}')
      },
      (url) => driver.run({ url, method: 'GET', path: '/', connections: 2, durationSec: 2, timeoutSec: 1 }),
    )
    expect(r.timeouts).toBe(1)
    expect(r.errors).toBe(3)
    expect(r.mismatches).toBe(0) // no body pattern: nothing checked
  })

  it.skipIf(skip)(`the scenarios' own patterns: a good body passes, a bad one is a mismatch${where}`, async () => {
    for (const id of ['cpu-sync', 'counter-contention']) {
      const s = SCENARIOS.find((x) => x.id === id) as (typeof SCENARIOS)[number]
      const good = id === 'cpu-sync' ? `{"digest":"${'0a'.repeat(32)}"}` : '{"n":42}'
      const bad = id === 'cpu-sync' ? `{"digest":"${'0A'.repeat(32)}"}` : '{"n":"42"}'
      const r = await withServer(
        (_req, res, n) => (n % 3 === 0 ? answer(res, 299, bad) : answer(res, 200, good)),
        (url) => driver.run({ url, method: 'GET', path: '/', connections: 2, durationSec: 1, timeoutSec: 5, body: s.body }),
      )
      expect(r.statusCodes['299']).toBeGreaterThan(0)
      expect(r.mismatches, id).toBe(r.statusCodes['299'])
    }
  })

  it.skipIf(skip || !linux)(`reports its own CPU and run-queue wait over the run${where}${linux ? '' : ' (skipped: /proc is Linux only)'}`, async () => {
    const r = await withServer(
      (_req, res) => answer(res, 200, '{"ok":true}'),
      (url) => driver.run({ url, method: 'GET', path: '/', connections: 4, durationSec: 1, timeoutSec: 5 }),
    )
    expect(r.use.wallMs).toBeGreaterThan(900)
    expect(r.use.cpuMs).toBeGreaterThan(0)
    expect(r.use.cpuMs).toBeLessThan(r.use.wallMs * 1.5) // one thread doing the work, give or take
    expect(r.use.waitMs).toBeGreaterThanOrEqual(0)
  })
})

describe('wrk is optional', () => {
  it('where it is not on PATH, the driver says so in one line naming the flag', () => {
    // A process whose PATH holds no wrk (node itself is run by its absolute path).
    const empty = mkdtempSync(join(tmpdir(), 'unblocked-nowrk-'))
    const code = "import('./harness/bench/drivers/wrk.ts').then((m) => process.stdout.write(String(m.wrkDriver.unavailable())))"
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: fileURLToPath(new URL('../../..', import.meta.url)), env: { PATH: empty }, encoding: 'utf8', timeout: 30_000 })
      expect(r.stdout).toBe(WRK_MISSING)
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
    expect(WRK_MISSING).toMatch(/^--driver wrk needs wrk on PATH/)
  })
})
