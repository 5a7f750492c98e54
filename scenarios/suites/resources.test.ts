import { describe, expect, it } from 'vitest'
import type { Reply, TargetClient } from '../client.ts'
import { runCases } from '../runner.ts'
import type { CaseResult } from '../types.ts'
import { resourcesPoolCase } from './resources.ts'

const reply = (status: number, body: string): Reply => ({ status, headers: { 'content-type': 'application/json' }, body: Buffer.from(body), ms: 1 })

/** A fake target: /health answers `health()`; the pool endpoint answers `pool(n)` for its n-th request (0 = the first). */
function target(pool: (n: number) => Reply, health: () => Reply = () => reply(200, '{}')): { client: TargetClient; sent: () => number } {
  let n = 0
  const client = {
    request: async (path: string) => (path === '/health' ? health() : path.startsWith('/resources/sync/pool?ms=') ? pool(n++) : reply(404, '')),
  } as unknown as TargetClient
  return { client, sent: () => n }
}

async function runOne(client: TargetClient, opts: Parameters<typeof resourcesPoolCase>[0]): Promise<CaseResult> {
  const [r] = await runCases(client, [resourcesPoolCase(opts)], { timeoutMs: 1_000, attempts: 3 })
  return r as CaseResult
}

describe('resources.sync-dependency-pool', () => {
  it('a missing endpoint → UNIMPLEMENTED after one request, before any idle wait', async () => {
    const t = target(() => reply(404, 'Not Found'))
    const r = await runOne(t.client, {}) // the contract's 10 s idle: not waited
    expect([r.verdict, r.reason]).toEqual(['UNIMPLEMENTED', 'GET /resources/sync/pool?ms=50 answered 404: the endpoint is missing'])
    expect(t.sent()).toBe(1)
  })

  it('every attempt all 2xx → PASS after all of them, each in data.tries', async () => {
    const t = target(() => reply(200, '{"ok":true}'))
    const r = await runOne(t.client, { idleMs: 0, attempts: 3 })
    expect(r.verdict).toBe('PASS')
    expect(t.sent()).toBe(1 + 3 * 64)
    expect(r.data?.tries).toEqual([1, 2, 3].map((attempt) => ({ attempt, ok: 64, statuses: { 200: 64 }, noAnswer: 0, failed: 0, wallMs: expect.any(Number) })))
    expect(r.data?.attempts).toBeUndefined() // that key is the runner's re-runs; this case is never re-run
  })

  it('a 503 in the second attempt → FAIL (not ERROR), the attempts stop, the recovery is recorded', async () => {
    // The first request, then attempt 1 (64 OK), then attempt 2 (some 503).
    const t = target((n) => (n > 64 + 60 ? reply(503, '{"error":"no resource within 2 s"}') : reply(200, '{"ok":true}')))
    const r = await runOne(t.client, { idleMs: 0, attempts: 5 })
    expect(r.verdict).toBe('FAIL')
    expect(r.reason).toMatch(/^attempt 2 of 5, after 0 s idle: 4 of 64 answered 503 "\{\\"error\\":\\"no resource within 2 s\\"\}" \(the first\); GET \/health answered 200 \d+(\.\d)? s later$/)
    expect(t.sent()).toBe(1 + 2 * 64)
    expect(r.data?.recovery).toEqual({ healthy: true, waitedMs: expect.any(Number) })
    expect(r.data?.attempts).toBeUndefined()
  })

  it('a target whose /health stays down after the failure → the wait is bounded and stated', async () => {
    const t = target((n) => (n === 0 ? reply(200, '{"ok":true}') : reply(503, '{}')), () => reply(503, 'down'))
    const r = await runOne(t.client, { idleMs: 0, recoveryMs: 300, recoveryPollMs: 50 })
    expect(r.reason).toBe('attempt 1 of 5, after 0 s idle: 64 of 64 answered 503 "{}" (the first); GET /health did not answer 200 within 0.3 s (last: answered 503 "down")')
    expect(r.data?.recovery).toMatchObject({ healthy: false })
  })

  it.each([
    [{ idleMs: -1 }, 'options.idleMs must be a non-negative integer, got -1'],
    [{ attempts: 0 }, 'options.attempts must be a positive integer, got 0'],
    [{ deadlineMs: 1.5 }, 'options.deadlineMs must be a positive integer, got 1.5'],
  ])('rejects %j', (opts, message) => {
    expect(() => resourcesPoolCase(opts)).toThrow(message)
  })
})
