import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { request, spawnServe } from '../test/http.ts'
import { resolvePort } from './serve.ts'

const BIN = fileURLToPath(new URL('../bin/unblocked.mjs', import.meta.url))

describe('resolvePort', () => {
  it('--port wins, then $PORT, then 8000', () => {
    expect(resolvePort('9001', '9002')).toBe(9001)
    expect(resolvePort(undefined, '9002')).toBe(9002)
    expect(resolvePort(undefined, undefined)).toBe(8000)
  })
  it.each(['x', '-1', '70000', '1.5'])('rejects %s with a usage error', (p) => {
    expect(() => resolvePort(p, undefined)).toThrow(`port must be an integer in 0–65535, got "${p}"`)
  })
})

describe('unblocked serve', () => {
  it('an unknown target is a usage error (exit 2) naming the built-in targets', () => {
    const r = spawnSync(process.execPath, [BIN, 'serve', 'nosuch'], { encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('unknown target "nosuch"; built-in targets: reference')
  })

  it('logs one listening line, and SIGTERM finishes in-flight requests before exiting 0', async () => {
    const s = await spawnServe('reference')
    try {
      expect(s.output.filter((l) => l.includes('listening on'))).toHaveLength(1)
      expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const inFlight = request(`${s.url}/block/sync?ms=600`)
      await new Promise((r) => setTimeout(r, 150))
      const stopping = s.stop()
      const reply = await inFlight
      expect(reply.status).toBe(200)
      expect(reply.json()).toEqual({ slept: 600 })
      expect(await stopping).toBe(0)
      await expect(request(`${s.url}/health`)).rejects.toThrow() // no longer accepting
    } finally {
      await s.stop()
    }
  })
})
