import { readdirSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../log.ts'
import { DetectionSwitch } from './detection.ts'
import { BlockingMonitor } from './monitor.ts'

const threads = (): number => readdirSync('/proc/self/task').length

/** Poll until `threads()` is `n`, for up to `ms` (a terminated worker takes a moment to exit). */
async function threadsSettleTo(n: number, ms = 3_000): Promise<number> {
  const end = Date.now() + ms
  while (threads() !== n && Date.now() < end) await new Promise((r) => setTimeout(r, 20))
  return threads()
}

describe('DetectionSwitch', () => {
  it('starts on exactly when its monitor is enabled; a disabled monitor cannot be switched on', async () => {
    const off = new DetectionSwitch(new BlockingMonitor([], silentLogger, { enabled: false }))
    expect(off.current).toBeUndefined()
    await off.set(true)
    expect(off.enabled).toBe(false)
  })

  describe.runIf(process.platform === 'linux')('with a watchdog thread', () => {
    it('overlapping switches apply one at a time, in order: never two watchdogs; close stops the last', async () => {
      await stat('.') // libuv's thread pool starts on first use: let it exist before counting
      const before = threads()
      const m = new BlockingMonitor([], silentLogger, { tripwires: 'off' })
      await m.start()
      m.arm()
      const s = new DetectionSwitch(m)
      try {
        const withWatchdog = threads()
        expect(withWatchdog).toBe(before + 1)
        await Promise.all([s.set(false), s.set(true), s.set(true), s.set(false), s.set(true)])
        expect(s.current).toBe(m)
        expect(await threadsSettleTo(withWatchdog)).toBe(withWatchdog)
        await s.set(false)
        expect(s.current).toBeUndefined()
        expect(await threadsSettleTo(before)).toBe(before)
        await s.set(true)
      } finally {
        await s.close()
      }
      expect(s.current).toBeUndefined()
      await s.set(true) // closed: stays off
      expect(s.enabled).toBe(false)
      expect(await threadsSettleTo(before)).toBe(before)
    })
  })
})
