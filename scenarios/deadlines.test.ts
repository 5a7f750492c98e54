/**
 * Deadlines (issue 14): a case that overruns its own is stopped with ERROR and what it saw, and
 * the run goes on; when the run's passes, the case in flight is stopped and the rest are not run;
 * a case that ignores its signal cannot hold the run. Timings are generous bounds, never exact.
 */
import { describe, expect, it } from 'vitest'
import { TransportError, type RequestOptions, type TargetClient } from './client.ts'
import { ABORT_GRACE_MS, caseDeadlineMs, DEFAULT_CASE_DEADLINE_MS, defaultRunDeadlineMs, RUN_DEADLINE_SLACK_MS } from './deadlines.ts'
import { runCases } from './runner.ts'
import { sleep } from './sleep.ts'
import { ALL_CASES } from './suites/index.ts'
import type { CaseDef, Outcome } from './types.ts'

const mk = (id: string, run: CaseDef['run'], deadlineMs?: number): CaseDef => ({ id, suite: 'coercion', level: 'MUST', description: id, run, ...(deadlineMs !== undefined && { deadlineMs }) })
const pass = async (): Promise<Outcome> => ({ kind: 'pass' })

/**
 * A target whose /health and /ok answer at once and whose /hang never answers. Like the real
 * client, a request whose `interrupt` has aborted fails as 'interrupted' (/health is the run's, it has none).
 */
function hangingClient(): TargetClient {
  return {
    request: async (path: string, opts: RequestOptions = {}) => {
      if (path === '/health') return { status: 200, headers: {}, body: Buffer.alloc(0), ms: 1 }
      if (opts.interrupt?.aborted) throw new TransportError('interrupted', `interrupted: GET ${path}`)
      if (path === '/ok') return { status: 200, headers: {}, body: Buffer.from('{}'), ms: 1 }
      await new Promise((_, reject) => {
        const fail = () => reject(new TransportError('interrupted', `interrupted: GET ${path}`))
        if (opts.interrupt?.aborted) fail()
        opts.interrupt?.addEventListener('abort', fail, { once: true })
      })
      throw new Error('unreachable')
    },
  } as unknown as TargetClient
}

describe('a case that overruns its deadline', () => {
  it('gets ERROR with what it saw, its request is aborted, and the run goes on', async () => {
    const client = hangingClient()
    const slow = mk('slow', async ({ client: c }) => {
      await c.request('/ok')
      await c.request('/hang')
      return { kind: 'pass' }
    }, 300)
    const t0 = performance.now()
    const [r, next] = await runCases(client, [slow, mk('next', pass)], { timeoutMs: 50 })
    expect(performance.now() - t0).toBeLessThan(300 + ABORT_GRACE_MS)
    expect(r?.verdict).toBe('ERROR')
    expect(r?.reason).toMatch(/^the case did not finish within 0\.3 s: it had sent 2 requests: 1 answered \(200 × 1\), 1 in flight \(GET \/hang for 0\.\d+ s\)$/)
    expect(r?.data).toMatchObject({ stopped: 'case-deadline', deadlineMs: 300, activity: { sent: 2, answered: { 200: 1 } } })
    expect(next?.verdict).toBe('PASS')
  })

  it('its idle ends at once: the signal reaches the sleep', async () => {
    let idleEnded: string | undefined
    const idler = mk('idler', async ({ signal }) => {
      try {
        await sleep(60_000, signal)
      } catch (err) {
        idleEnded = (err as Error).name
        throw err
      }
      return { kind: 'pass' }
    }, 200)
    const t0 = performance.now()
    const [r] = await runCases(hangingClient(), [idler], { timeoutMs: 50 })
    expect(performance.now() - t0).toBeLessThan(ABORT_GRACE_MS) // it did not need the grace
    expect(idleEnded).toBe('AbortError')
    expect(r?.reason).toBe('the case did not finish within 0.2 s: it had sent no request')
  })

  it('a case that ignores its signal is left behind after the grace, and can send nothing more', async () => {
    let later: string | undefined
    const client = hangingClient()
    const deaf = mk('deaf', async ({ client: c }) => {
      await new Promise((r) => setTimeout(r, 300 + ABORT_GRACE_MS + 200)) // ignores the signal
      try {
        await c.request('/ok')
        later = 'sent'
      } catch (err) {
        later = (err as TransportError).kind
      }
      return { kind: 'pass' }
    }, 300)
    const t0 = performance.now()
    const [r, next] = await runCases(client, [deaf, mk('next', pass)], { timeoutMs: 50 })
    const took = performance.now() - t0
    expect(took).toBeGreaterThanOrEqual(300 + ABORT_GRACE_MS - 50)
    expect(took).toBeLessThan(300 + ABORT_GRACE_MS + 1_500)
    expect([r?.verdict, next?.verdict]).toEqual(['ERROR', 'PASS'])
    await new Promise((r) => setTimeout(r, 600))
    // Its client carries the stopped case's signal: the request it sends late fails at once.
    expect(later).toBe('interrupted')
  })
})

describe("the run's deadline", () => {
  it('stops the case in flight and marks the rest not run', async () => {
    const client = hangingClient()
    const hang = mk('hang', async ({ client: c }) => {
      await c.request('/hang')
      return { kind: 'pass' }
    })
    const t0 = performance.now()
    const results = await runCases(client, [mk('first', pass), hang, mk('third', pass), mk('fourth', pass)], { timeoutMs: 50, deadlineMs: 400 })
    expect(performance.now() - t0).toBeLessThan(400 + ABORT_GRACE_MS)
    expect(results.map((r) => r.verdict)).toEqual(['PASS', 'ERROR', 'ERROR', 'ERROR'])
    expect(results[1]?.reason).toMatch(/^the run's deadline \(0\.4 s\) passed while the case ran: it had sent 1 request: 0 answered, 1 in flight \(GET \/hang for 0\.\d+ s\)$/)
    expect(results.slice(2).map((r) => r.reason)).toEqual(["not run: the run's deadline (0.4 s) passed", "not run: the run's deadline (0.4 s) passed"])
  })

  it('an interrupt stops the case in flight the same way, and names the request it cut', async () => {
    const interrupt = new AbortController()
    const hang = mk('hang', async ({ client: c }) => {
      setTimeout(() => interrupt.abort(), 100)
      await c.request('/hang')
      return { kind: 'pass' }
    })
    const results = await runCases(hangingClient(), [hang, mk('next', pass)], { timeoutMs: 50, signal: interrupt.signal })
    expect(results.map((r) => r.reason)).toEqual(['interrupted: GET /hang', 'not run: the run was interrupted'])
  })
})

describe('deadline sizes', () => {
  it('a case gets its own deadline or the default, and at least 3 request timeouts', () => {
    expect(caseDeadlineMs({}, 5_000)).toBe(DEFAULT_CASE_DEADLINE_MS)
    expect(caseDeadlineMs({ deadlineMs: 60_000 }, 5_000)).toBe(60_000)
    expect(caseDeadlineMs({ deadlineMs: 60_000 }, 30_000)).toBe(90_000)
    expect(caseDeadlineMs({}, 10_000)).toBe(30_000)
  })

  it("the run's default is the sum of its cases' deadlines and 30 s", () => {
    expect(defaultRunDeadlineMs([{}, { deadlineMs: 60_000 }], 5_000)).toBe(RUN_DEADLINE_SLACK_MS + DEFAULT_CASE_DEADLINE_MS + 60_000)
    expect(defaultRunDeadlineMs(ALL_CASES, 5_000)).toBe(2_027_000)
  })

  it('the invasive case allows for its idles, attempts and recovery: 10 s idle × 5, 15 s each, 150 s to recover', () => {
    const pool = ALL_CASES.find((c) => c.id === 'resources.sync-dependency-pool')
    expect(pool?.deadlineMs).toBe(15_000 + 5 * (10_000 + 15_000) + 150_000 + 2_000 + 10_000)
  })
})
