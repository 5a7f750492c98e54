import { describe, expect, it } from 'vitest'
import { fakeClient, reply } from '../../test/fixtures/fake-client.ts'
import { TransportError } from '../client.ts'
import { runCases } from '../runner.ts'
import type { CaseResult } from '../types.ts'
import { cancellationCases, workSeen } from './cancellation.ts'

describe('workSeen', () => {
  it.each([
    [reply(200, { state: 'done', steps: 100 }), 'completed', 'the work ran to completion (100 of 100 steps)'],
    [reply(200, { state: 'cancelled', steps: 11 }), 'stopped', 'the work stopped after 11 of 100 steps'],
    [reply(200, { state: 'running', steps: 63 }), 'running', 'the work was still running (63 of 100 steps done)'],
    [reply(404, 'Not Found'), 'never-started', 'GET /work/status answered 404 for its key: the work never started'],
    [reply(200, { state: 'done' }), 'completed', 'the work ran to completion (? of 100 steps)'],
    [reply(500, 'boom\nat x'), 'unreadable', 'GET /work/status answered 500 "boom at x"'],
  ])('%#: → %s', (r, fate, text) => {
    expect(workSeen(r, 100)).toMatchObject({ fate, text })
  })
})

/**
 * A fake target: its work runs in 10 ms steps on its own; a disconnect ends the request at once (as
 * the real client does) and, when `stops`, the work too.
 */
function work(stops: boolean) {
  const jobs = new Map<string, { steps: number; state: string }>()
  return fakeClient(async (_method, path, opts) => {
    const url = new URL(path, 'http://x')
    const key = url.searchParams.get('key') ?? ''
    if (url.pathname === '/work/status') {
      const s = jobs.get(key)
      return s === undefined ? reply(404, 'unknown key') : reply(200, s)
    }
    const job = { steps: 0, state: 'running' }
    jobs.set(key, job)
    const done = (async () => {
      for (let i = 0; i < Number(url.searchParams.get('ms')) / 10; i++) {
        if (stops && opts.signal?.aborted) return void (job.state = 'cancelled')
        await new Promise((r) => setTimeout(r, 10))
        job.steps++
      }
      job.state = 'done'
    })()
    const disconnected = new Promise<never>((_, reject) => opts.signal?.addEventListener('abort', () => reject(new TransportError('aborted', 'aborted by the client')), { once: true }))
    await Promise.race([done, disconnected])
    return reply(200, { done: true })
  })
}

async function run(id: string, client: ReturnType<typeof fakeClient>): Promise<CaseResult> {
  const [r] = await runCases(client, cancellationCases.filter((c) => c.id === id), { timeoutMs: 5_000, attempts: 1 })
  if (r === undefined) throw new Error('no result')
  return r
}

describe('cancellation.{mode}.client-abort', () => {
  it('work that runs on after the disconnect → INFO: completed, the steps in data', async () => {
    const r = await run('cancellation.sync.client-abort', work(false))
    expect(r.verdict).toBe('INFO')
    expect(r.reason).toMatch(/^the client disconnected \d+(\.\d)? ms into GET \/work\/sync\?ms=1000; 1\.5 s later the work ran to completion \(100 of 100 steps\)$/)
    expect(r.data).toMatchObject({ fate: 'completed', state: 'done', steps: 100, totalSteps: 100 })
    expect(r.data?.disconnectedAtMs).toBeGreaterThanOrEqual(95)
    expect(r.data?.disconnectedAtMs).toBeLessThan(600)
  })

  it('work that stops at the disconnect → INFO: stopped, after fewer steps', async () => {
    const r = await run('cancellation.async.client-abort', work(true))
    expect(r.reason).toMatch(/1\.5 s later the work stopped after \d+ of 100 steps$/)
    expect(r.data).toMatchObject({ fate: 'stopped', state: 'cancelled' })
    expect(r.data?.steps).toBeLessThan(60)
  })

  it('an answer before the disconnect is reported as such, not as a disconnect', async () => {
    const r = await run('cancellation.sync.client-abort', fakeClient((_m, path) => (path.startsWith('/work/status') ? reply(200, { state: 'done', steps: 0 }) : reply(200, { done: true }))))
    expect(r.reason).toMatch(/^GET \/work\/sync\?ms=1000 answered 200 "\{\\"done\\":true\}" \d+(\.\d)? ms after the send, before the client could disconnect; 1\.5 s later the work ran to completion \(0 of 100 steps\)$/)
    expect(r.data?.disconnectedAtMs).toBeUndefined()
  })

  it('404 → UNIMPLEMENTED; a status endpoint missing too', async () => {
    expect((await run('cancellation.sync.client-abort', fakeClient(() => reply(404, 'Not Found')))).verdict).toBe('UNIMPLEMENTED')
    const noStatus = fakeClient((_m, path) => (path.startsWith('/work/status') ? reply(404, 'Not Found') : reply(200, {})))
    const r = await run('cancellation.sync.client-abort', noStatus)
    expect(r.verdict).toBe('UNIMPLEMENTED')
    expect(r.reason).toBe('GET /work/status?key=K answered 404 after GET /work/sync?ms=20&key=K had answered: the endpoint is missing')
  })
})
