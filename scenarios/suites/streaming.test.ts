import { describe, expect, it } from 'vitest'
import type { Reply, TargetClient } from '../client.ts'
import { runCases } from '../runner.ts'
import { streamBody, streamingCases, streamProblem } from './streaming.ts'

const reply = (status: number, body: string, extra: Partial<Reply> = {}): Reply => ({ status, headers: { 'content-type': 'text/plain' }, body: Buffer.from(body), ms: 500, ...extra })

describe('streamProblem', () => {
  it('the exact body → none', () => {
    expect(streamBody(5)).toBe('0\n1\n2\n3\n4\n')
    expect(streamProblem(reply(200, '0\n1\n2\n3\n4\n'), 5)).toBeUndefined()
  })

  it('regression: a body cut after 3 chunks is stated as such (a FAIL with a reason, not a transport ERROR)', () => {
    expect(streamProblem(reply(200, '0\n1\n2\n', { truncated: 'connection closed before the last chunk' }), 5)).toBe('the body ended after 3 of 5 chunks: connection closed before the last chunk')
    expect(streamProblem(reply(200, '0\n1', { truncated: 'connection closed after 3 of 10 bytes (content-length 10)' }), 5)).toBe('the body ended after 1 of 5 chunks: connection closed after 3 of 10 bytes (content-length 10)')
  })

  it('a cut body that is not a prefix of the expected one → its bytes, newlines escaped', () => {
    expect(streamProblem(reply(200, 'x\ny', { truncated: 'connection closed before the last chunk' }), 5)).toBe('the body ended after 3 bytes ("x\\ny"): connection closed before the last chunk')
  })

  it('a wrong status or body → stated on one line', () => {
    expect(streamProblem(reply(500, '<html>\n<h1>oops</h1>\n</html>'), 5)).toBe('answered 500 "<html> <h1>oops</h1> </html>", expected 200')
    expect(streamProblem(reply(200, '0\n1\n2\n3\n4\n5\n'), 5)).toBe('body "0\\n1\\n2\\n3\\n4\\n5\\n", expected exactly "0\\n1\\n2\\n3\\n4\\n"')
  })
})

describe('a 404 in either mode → UNIMPLEMENTED', () => {
  /** /health and /ping answer; `/stream/{mode}` answers the body for the modes in `present`, else 404. */
  function target(present: readonly string[]): TargetClient {
    return {
      request: async (path: string) => {
        if (path === '/health' || path === '/ping') return reply(200, '{}')
        const m = /^\/stream\/(sync|async)\?chunks=(\d+)/.exec(path)
        if (m && present.includes(m[1] as string)) return reply(200, streamBody(Number(m[2])), { firstByteMs: 1 })
        return reply(404, 'Not Found')
      },
    } as unknown as TargetClient
  }

  it('both missing → all three UNIMPLEMENTED', async () => {
    const results = await runCases(target([]), streamingCases, { timeoutMs: 1_000, attempts: 1 })
    expect(results.map((r) => [r.id, r.verdict, r.reason])).toEqual([
      ['streaming.sync.iterator', 'UNIMPLEMENTED', 'GET /stream/sync?chunks=1&ms=0 answered 404: the endpoint is missing'],
      ['streaming.async.iterator', 'UNIMPLEMENTED', 'GET /stream/async?chunks=1&ms=0 answered 404: the endpoint is missing'],
      ['streaming.parity', 'UNIMPLEMENTED', 'GET /stream/sync?chunks=5&ms=10 answered 404: the endpoint is missing'],
    ])
  })

  it('only sync present → the async iterator and parity UNIMPLEMENTED, never a parity PASS', async () => {
    const results = await runCases(target(['sync']), streamingCases, { timeoutMs: 1_000, attempts: 1 })
    expect(results.map((r) => r.verdict)).toEqual(['PASS', 'UNIMPLEMENTED', 'UNIMPLEMENTED'])
    expect(results[2]?.reason).toBe('GET /stream/async?chunks=5&ms=10 answered 404: the endpoint is missing')
  })
})
