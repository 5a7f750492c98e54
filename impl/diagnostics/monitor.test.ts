import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import def from '../../test/fixtures/blocking-app.ts'
import { request, start, type Started } from '../../test/http.ts'
import type { BlockingEvent } from './events.ts'
import { silentLogger } from '../log.ts'
import { BlockingMonitor, type BlockingSnapshot } from './monitor.ts'

const settle = (ms = 60) => new Promise((r) => setTimeout(r, ms))

async function snapshot(s: Started): Promise<BlockingSnapshot> {
  await settle() // let the heartbeat and the watchdog's sample land
  return (await request(`${s.url}/diagnostics/blocking`)).json() as BlockingSnapshot
}

function newEvents(before: BlockingSnapshot, after: BlockingSnapshot): BlockingEvent[] {
  return after.events.slice(after.events.length - (after.totalEvents - before.totalEvents))
}

describe('blocking detection (warn mode)', () => {
  let s: Started
  beforeAll(async () => {
    s = await start(def, { pool: { minThreads: 1 }, blocking: { endpoint: '/diagnostics/blocking', thresholdMs: 50 } })
  })
  afterAll(() => s.close())

  it('a handler that blocks before its first await is attributed to its route', async () => {
    const before = await snapshot(s)
    await request(`${s.url}/before?ms=150`)
    const events = newEvents(before, await snapshot(s))
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ source: 'handler', route: '/before', handler: 'BlockingController.before' })
    expect(events[0]?.ms).toBeGreaterThanOrEqual(140)
  })

  it('a handler that blocks after an await is attributed by the stack sampled while it blocks', async () => {
    const before = await snapshot(s)
    // Another request waits on the loop at the same time, so "the only request in flight" cannot
    // be the answer: only the sampled stack can name the culprit.
    const waiting = request(`${s.url}/wait?ms=400`)
    await settle(20)
    await request(`${s.url}/after?ms=200`)
    await waiting
    const events = newEvents(before, await snapshot(s))
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ source: 'heartbeat', route: '/after', handler: 'BlockingController.after' })
    expect(events[0]?.ms).toBeGreaterThanOrEqual(150)
    expect(events[0]?.stack?.some((f) => f.includes('BlockingController.after'))).toBe(true)
  })

  it('the endpoint shows project-relative paths only: no absolute path of the server\'s disk', async () => {
    await request(`${s.url}/read`)
    await request(`${s.url}/after?ms=120`)
    const text = (await request(`${s.url}/diagnostics/blocking`)).text
    expect(text).toContain('test/fixtures/blocking-app.ts:')
    expect(text).not.toContain(process.cwd())
    expect(text).not.toContain('file://')
  })

  it('a tripwire reports fs.readFileSync called by an async handler on the loop, with its call site', async () => {
    const before = await snapshot(s)
    expect((await request(`${s.url}/read`)).status).toBe(200)
    const events = newEvents(before, await snapshot(s))
    const trip = events.find((e) => e.source === 'tripwire')
    expect(trip).toMatchObject({ api: 'fs.readFileSync', route: '/read', handler: 'BlockingController.read' })
    expect(trip?.stack?.[0]).toMatch(/blocking-app\.ts:\d+:\d+/)
    expect(trip?.stack?.[0]).toContain('(test/fixtures/blocking-app.ts:') // project-relative
    expect(s.logs.some((l) => l.level === 'warn' && l.msg.startsWith('fs.readFileSync called on the event loop by BlockingController.read'))).toBe(true)
  })

  it('the same call in a sync handler (in a worker) does not trip', async () => {
    const before = await snapshot(s)
    expect((await request(`${s.url}/read-sync`)).status).toBe(200)
    expect(newEvents(before, await snapshot(s))).toEqual([])
  })

  it('an @inline handler measured over the threshold is reported, with a warning to offload it', async () => {
    const before = await snapshot(s)
    await request(`${s.url}/inline-slow`)
    const events = newEvents(before, await snapshot(s))
    expect(events[0]).toMatchObject({ source: 'handler', handler: 'BlockingController.inlineSlow' })
    expect(s.logs.some((l) => l.msg === `@inline handler BlockingController.inlineSlow ran ${events[0]?.ms} ms on the event loop; remove @inline so it runs in the worker pool`)).toBe(true)
  })

  it('fast requests are not blamed for anything; the loop-delay histogram is exposed', async () => {
    const before = await snapshot(s)
    await Promise.all(Array.from({ length: 20 }, () => request(`${s.url}/fast`)))
    const after = await snapshot(s)
    // The server shares this test's process: a pause of the whole process (its own GC, the VM's CPU
    // taken by the host) is a stall the heartbeat rightly records, with no handler to name. What
    // must not appear is an event pinned on the fast route, or one from a handler timing or a tripwire.
    const blamed = newEvents(before, after).filter((e) => e.source !== 'heartbeat' || e.handler === 'BlockingController.fast' || e.route === '/fast')
    expect(blamed).toEqual([])
    expect(after.loopDelay.max).toBeGreaterThanOrEqual(150) // the blocks above
    expect(after.loopDelay.p50).toBeGreaterThan(0)
    expect(after.thresholdMs).toBe(50)
  })
})

describe('tripwires in throw mode', () => {
  let s: Started
  beforeAll(async () => {
    s = await start(def, { pool: { minThreads: 1 }, blocking: { tripwires: 'throw' } })
  })
  afterAll(() => s.close())

  it('turn a blocking call on the loop into a 500 with a clear message', async () => {
    const r = await request(`${s.url}/read`)
    expect(r.status).toBe(500)
    const err = r.json().error
    expect(err.code).toBe('UNB_ERR_BLOCKING_CALL')
    expect(err.message).toMatch(/^fs\.readFileSync blocks the event loop and was called by BlockingController\.read, which runs on the loop, at BlockingController\.read \(.*blocking-app\.ts:\d+:\d+\); move the work to a sync handler/)
  })

  it('leave sync handlers in workers alone', async () => {
    expect((await request(`${s.url}/read-sync`)).status).toBe(200)
  })
})

describe('the event buffer', () => {
  let s: Started
  beforeAll(async () => {
    s = await start(def, { pool: { minThreads: 1 }, blocking: { endpoint: '/diagnostics/blocking', maxEvents: 3, watchdog: false } })
  })
  afterAll(() => s.close())

  it('stays bounded, most recent last', async () => {
    for (let i = 0; i < 5; i++) await request(`${s.url}/before?ms=${60 + i * 10}`)
    const snap = await snapshot(s)
    expect(snap.events).toHaveLength(3)
    expect(snap.totalEvents).toBe(5)
    expect(snap.events.map((e) => Math.floor(e.ms / 10))).toEqual([8, 9, 10])
  })
})

describe('options', () => {
  it.each([
    [{ thresholdMs: 0 }, 'options.blocking.thresholdMs must be a positive number, got 0'],
    [{ maxEvents: 0 }, 'options.blocking.maxEvents must be a positive integer, got 0'],
    [{ tripwires: 'loud' as 'warn' }, "options.blocking.tripwires must be 'off', 'warn' or 'throw', got loud"],
  ])('%j is rejected', async (blocking, message) => {
    await expect(start(def, { blocking })).rejects.toThrow(message)
  })

  it('detection can be turned off: no endpoint, no events', async () => {
    const s = await start(def, { pool: { minThreads: 1 }, blocking: { enabled: false, endpoint: '/diagnostics/blocking' } })
    try {
      expect((await request(`${s.url}/diagnostics/blocking`)).status).toBe(404)
      expect((await request(`${s.url}/read`)).status).toBe(200)
      expect(s.logs.filter((l) => l.level === 'warn')).toEqual([])
    } finally {
      await s.close()
    }
  })
})

describe('detection switched while serving (switchable)', () => {
  const put = (s: Started, body: string) => request(`${s.url}/diagnostics/blocking`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body })

  it('PUT {"enabled": false} stops detecting, {"enabled": true} resumes, in the same process', async () => {
    const s = await start(def, { pool: { minThreads: 1 }, blocking: { endpoint: '/diagnostics/blocking', thresholdMs: 50, switchable: true } })
    try {
      expect((await snapshot(s)) as BlockingSnapshot & { enabled: boolean }).toMatchObject({ enabled: true })
      const off = await put(s, '{"enabled": false}')
      expect(off.status).toBe(200)
      expect(off.json()).toMatchObject({ enabled: false })
      const before = await snapshot(s)
      await request(`${s.url}/before?ms=150`)
      expect((await request(`${s.url}/read`)).status).toBe(200)
      expect(newEvents(before, await snapshot(s))).toEqual([]) // neither the block nor the tripwire
      expect((await put(s, '{"enabled": true}')).json()).toMatchObject({ enabled: true })
      expect((await put(s, '{"enabled": true}')).status).toBe(200) // already on: a no-op
      const again = await snapshot(s)
      await request(`${s.url}/before?ms=150`)
      expect(newEvents(again, await snapshot(s))).toMatchObject([{ source: 'handler', handler: 'BlockingController.before' }])
    } finally {
      await s.close()
    }
  })

  it('a bad switch gets a 4xx naming the problem; without `switchable`, PUT is not allowed', async () => {
    const s = await start(def, { pool: { minThreads: 1 }, blocking: { endpoint: '/diagnostics/blocking', switchable: true } })
    const fixed = await start(def, { pool: { minThreads: 1 }, blocking: { endpoint: '/diagnostics/blocking' } })
    try {
      const malformed = await put(s, '{"enabled": ')
      expect(malformed.status).toBe(400)
      expect(malformed.json().error.code).toBe('UNB_ERR_REQUEST_MALFORMED_JSON')
      const wrong = await put(s, '{"enabled": "no"}')
      expect(wrong.status).toBe(422)
      expect(wrong.json().error.message).toMatch(/\{"enabled": true\} or \{"enabled": false\}/)
      expect((await snapshot(s)) as BlockingSnapshot & { enabled: boolean }).toMatchObject({ enabled: true })
      const refused = await put(fixed, '{"enabled": false}')
      expect(refused.status).toBe(405)
      expect(refused.headers.get('allow')).toBe('GET')
      const other = await request(`${s.url}/diagnostics/blocking`, { method: 'DELETE' })
      expect(other.status).toBe(405)
      expect(other.headers.get('allow')).toBe('GET, PUT')
      expect(other.json().error.code).toBe('UNB_ERR_ROUTE_METHOD_NOT_ALLOWED')
    } finally {
      await Promise.all([s.close(), fixed.close()])
    }
  })

  it('switchable needs an endpoint to be switched at', () => {
    expect(() => new BlockingMonitor([], silentLogger, { switchable: true })).toThrow(/switchable needs options\.blocking\.endpoint/)
  })
})

describe('a loop waiting for a CPU is not a blocked loop', () => {
  /** A scripted thread clock: the test says how long the loop thread "waited in the run queue". */
  const clock = { waitMs: 0, read: () => ({ runMs: 0, waitMs: clock.waitMs }), close() {} }
  const spin = (ms: number) => {
    const end = performance.now() + ms
    while (performance.now() < end);
  }
  /** A started, armed monitor on the scripted clock, stopped after `body`. */
  async function withMonitor(body: (m: BlockingMonitor) => Promise<void>): Promise<void> {
    // No start-up grace: these stalls come right after arm() on purpose.
    const m = new BlockingMonitor([], silentLogger, { thresholdMs: 50, watchdog: false, tripwires: 'off', startupGraceMs: 0 }, () => clock)
    await m.start()
    m.arm()
    try {
      await settle(30)
      await body(m)
    } finally {
      await m.stop()
    }
  }

  it('a stall spent in the run queue counts as starved, not as an event; a stall spent running is an event', () =>
    withMonitor(async (m) => {
      clock.waitMs += 110 // the scheduler kept the loop thread off the CPU for most of this stall
      spin(120)
      await settle(30)
      let snap = m.snapshot()
      expect(snap.starved.count).toBe(1)
      expect(snap.starved.totalMs).toBeGreaterThanOrEqual(100)
      expect(snap.totalEvents).toBe(0)

      spin(120) // the loop thread itself held the loop
      await settle(30)
      snap = m.snapshot()
      expect(snap.starved.count).toBe(1)
      expect(snap.totalEvents).toBe(1)
      expect(snap.events[0]).toMatchObject({ source: 'heartbeat' })
      expect(snap.events[0]?.ms).toBeGreaterThanOrEqual(100)
      expect(snap.events[0]?.waitedMs).toBeUndefined()
    }))

  it('a long block that also waited for a CPU is an event, and says how long it waited', () =>
    withMonitor(async (m) => {
      clock.waitMs += 40
      spin(150)
      await settle(30)
      const snap = m.snapshot()
      expect(snap.totalEvents).toBe(1)
      expect(snap.events[0]?.waitedMs).toBe(40)
    }))
})

describe('start-up', () => {
  const spin = (ms: number) => {
    const end = performance.now() + ms
    while (performance.now() < end);
  }

  it('a stall right after start with no request on the loop is logged once as the start-up\'s, not counted as an event', async () => {
    const logs: { level: string; msg: string }[] = []
    const log = { info: (_o: object, msg: string) => logs.push({ level: 'info', msg }), warn: (_o: object, msg: string) => logs.push({ level: 'warn', msg }), error: (_o: object, msg: string) => logs.push({ level: 'error', msg }) }
    const m = new BlockingMonitor([], log, { thresholdMs: 50, watchdog: false, tripwires: 'off', startupGraceMs: 60_000 })
    await m.start()
    m.arm()
    try {
      await settle(30)
      spin(150)
      await settle(30)
      expect(m.snapshot().totalEvents).toBe(0)
      expect(logs.filter((l) => l.level === 'warn')).toEqual([])
      expect(logs.some((l) => l.level === 'info' && /^the event loop stalled \d+(\.\d+)? ms while the app was starting/.test(l.msg))).toBe(true)
    } finally {
      await m.stop()
    }
  })

  it.each([-1, 1.5])('startupGraceMs %s is refused', (startupGraceMs) => {
    expect(() => new BlockingMonitor([], silentLogger, { startupGraceMs })).toThrow(/options\.blocking\.startupGraceMs/)
  })
})
