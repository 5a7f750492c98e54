import { describe, expect, it } from 'vitest'
import { caseClient, describeActivity } from './case-client.ts'
import { TransportError, type RequestOptions, type TargetClient } from './client.ts'

describe('the client a case gets', () => {
  it('puts the case stop signal on every request, beside the request own interrupt, and records what it did', async () => {
    const seen: (AbortSignal | undefined)[] = []
    const run = {
      baseUrl: 'http://127.0.0.1:9',
      request: async (path: string, opts: RequestOptions = {}) => {
        seen.push(opts.interrupt)
        if (path === '/fail') throw new TransportError('timeout', 'no complete answer')
        if (path === '/slow') await new Promise((r) => setTimeout(r, 200))
        return { status: path === '/missing' ? 404 : 200, headers: {}, body: Buffer.alloc(0), ms: 1 }
      },
    } as unknown as TargetClient
    const stop = new AbortController()
    const { client, activity } = caseClient(run, stop.signal)
    expect(client.baseUrl).toBe('http://127.0.0.1:9')
    await client.request('/a')
    await client.request('/missing', { method: 'POST' })
    await expect(client.request('/fail')).rejects.toThrow('no complete answer')
    const own = new AbortController()
    const slow = client.request('/slow', { interrupt: own.signal })
    await new Promise((r) => setTimeout(r, 50))
    const a = activity()
    expect(a).toMatchObject({ sent: 4, answered: { 200: 1, 404: 1 }, failed: { timeout: 1 }, inFlight: [{ request: 'GET /slow' }] })
    expect(describeActivity(a)).toMatch(/^it had sent 4 requests: 2 answered \(200 × 1, 404 × 1\), 1 failed \(timeout × 1\), 1 in flight \(GET \/slow for 0\.\d+ s\)$/)
    await slow
    expect(activity().inFlight).toEqual([])
    expect(seen.slice(0, 3)).toEqual([stop.signal, stop.signal, stop.signal])
    // The request's own interrupt and the case's: either aborts it.
    expect(seen[3]?.aborted).toBe(false)
    stop.abort()
    expect(seen[3]?.aborted).toBe(true)
    await client.close() // the run's connections: left open
  })

  it('describes a case that sent nothing, and more than 3 requests in flight', () => {
    expect(describeActivity({ sent: 0, answered: {}, failed: {}, inFlight: [] })).toBe('it had sent no request')
    const inFlight = [1, 2, 3, 4, 5].map((i) => ({ request: `GET /w/${i}`, forMs: 1_500 }))
    expect(describeActivity({ sent: 5, answered: {}, failed: {}, inFlight })).toBe('it had sent 5 requests: 0 answered, 5 in flight (GET /w/1 for 1.5 s, GET /w/2 for 1.5 s, GET /w/3 for 1.5 s, 2 more)')
  })
})
