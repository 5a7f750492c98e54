import { describe, expect, it } from 'vitest'
import { TransportError, type Reply, type RequestOptions, type TargetClient } from '../client.ts'
import type { ProbeResult } from '../prober.ts'
import { runCases } from '../runner.ts'
import { capacityCases, judgeOverflow, judgeParallelism } from './capacity.ts'
import type { Burst, BurstAnswer } from './sync-burst.ts'

const reply = (status: number, body: string): Reply => ({ status, headers: { 'content-type': 'application/json' }, body: Buffer.from(body), ms: 1 })
const slept = (atMs: number): BurstAnswer => ({ atMs, reply: reply(200, '{"slept":500}') })

/** 64 answers, `p` at a time, a wave every 500 ms. */
function burstOf(p: number, extra: readonly BurstAnswer[] = []): Burst {
  const answers = [...Array.from({ length: 64 - extra.length }, (_, i) => slept(500 * (1 + Math.floor(i / p)) + (i % p))), ...extra]
  return { answers, wallMs: Math.max(...answers.map((a) => a.atMs)) }
}

const probe = (worstMs: number, failed = 0): ProbeResult => ({ intervalMs: 10, sent: 60, failed, worstMs, p50Ms: 2, p99Ms: worstMs, samples: [], failures: failed > 0 ? ['no complete answer within 2000 ms (0 bytes of body received): GET http://127.0.0.1:1/ping'] : [] })

describe('capacity.sync-parallelism', () => {
  it('2 at once → WARN stating the estimate and what it came from; P and the histogram in data', () => {
    const o = judgeParallelism(burstOf(2))
    expect(o).toMatchObject({
      kind: 'fail',
      level: 'SHOULD',
      reason: 'effective parallelism 2 (bound ≥ 8): 2 of the 64 GET /block/sync?ms=500 sent at once answered within 250 ms of the first answer; all 64 took 16001 ms',
      data: { parallelism: 2, parallelismShown: '2', firstAnswerMs: 500, answered: 64, wallMs: 16001 },
    })
    expect('data' in o ? o.data?.completionHistogramMs : undefined).toHaveLength(32)
  })

  it('8 at once → PASS; the whole burst in one wave → PASS, shown "≥ 64"', () => {
    expect(judgeParallelism(burstOf(8))).toMatchObject({ kind: 'pass', data: { parallelism: 8, parallelismShown: '8' }, note: expect.stringMatching(/^effective parallelism 8: 8 of the 64 /) })
    expect(judgeParallelism(burstOf(64))).toMatchObject({ kind: 'pass', data: { parallelism: 64, parallelismShown: '≥ 64', completionHistogramMs: [[500, 64]] } })
  })

  it('requests with no answer within 40 s → WARN naming them, the estimate from the rest', () => {
    const timeout = new TransportError('timeout', 'no complete answer within 40000 ms (0 bytes of body received): GET http://127.0.0.1:1/block/sync?ms=500')
    const o = judgeParallelism(burstOf(40, Array.from({ length: 4 }, () => ({ atMs: 40_000, error: timeout }))))
    expect(o).toMatchObject({ kind: 'fail', level: 'SHOULD', data: { parallelism: 40, answered: 60, transportFailures: 4 } })
    expect((o as { reason: string }).reason).toBe(`4 of 64 GET /block/sync?ms=500 did not answer 200 {"slept":500} (the first failed: ${timeout.message}); effective parallelism 40 from the 60 that did`)
  })
})

describe('capacity.overflow-keeps-loop-free', () => {
  const head = { sentAtMs: 50, ms: 480, status: 200 }
  const offload = { sentAtMs: 150, ms: 3, status: 200 }

  it('free pings and a full burst → PASS, with the head-of-line and offload latencies in data', () => {
    expect(judgeOverflow(probe(40), burstOf(40), head, offload)).toMatchObject({
      kind: 'pass',
      data: { worstPingMs: 40, answered: 64, headOfLineSentAtMs: 50, headOfLineMs: 480, headOfLineStatus: 200, offloadSentAtMs: 150, offloadMs: 3, offloadStatus: 200 },
    })
  })

  it('a ping over 250 ms → FAIL; failed pings → FAIL naming them', () => {
    expect(judgeOverflow(probe(300), burstOf(40), head, offload)).toMatchObject({ kind: 'fail', level: 'MUST', reason: 'pings waited up to 300 ms (bound 250 ms) while 64 × GET /block/sync?ms=500 ran' })
    expect((judgeOverflow(probe(2000, 3), burstOf(40), head, offload) as { reason: string }).reason).toMatch(/^3 of 60 GET \/ping failed while 64 × GET \/block\/sync\?ms=500 ran \(no complete answer within 2000 ms/)
  })

  it('burst requests shed with 503 → FAIL: the 64 were not in flight', () => {
    const shed = Array.from({ length: 24 }, (): BurstAnswer => ({ atMs: 3, reply: reply(503, '{"error":"busy"}') }))
    expect(judgeOverflow(probe(10), burstOf(40, shed), head, { sentAtMs: 150, error: 'connection reset or closed before a full answer: GET /cpu/offload?n=1' })).toMatchObject({
      kind: 'fail',
      level: 'MUST',
      reason: '24 of 64 GET /block/sync?ms=500 did not answer 200 {"slept":500} (the first answered 503 "{\\"error\\":\\"busy\\"}")',
      data: { offloadError: 'connection reset or closed before a full answer: GET /cpu/offload?n=1' },
    })
  })
})

describe('a missing /block/sync never passes', () => {
  it('→ WARN (SHOULD) and FAIL (MUST), without sending the burst', async () => {
    const paths: string[] = []
    const client = {
      request: async (path: string, _?: RequestOptions) => {
        paths.push(path)
        return path === '/health' || path === '/ping' ? reply(200, '{}') : reply(404, 'Not Found')
      },
    } as unknown as TargetClient
    const results = await runCases(client, capacityCases, { timeoutMs: 1_000, attempts: 1 })
    expect(results.map((r) => [r.id, r.verdict, r.reason])).toEqual([
      ['capacity.sync-parallelism', 'WARN', 'GET /block/sync?ms=0 answered 404: the endpoint is missing'],
      ['capacity.overflow-keeps-loop-free', 'FAIL', 'GET /block/sync?ms=0 answered 404: the endpoint is missing'],
    ])
    expect(paths.filter((p) => p === '/block/sync?ms=500')).toEqual([])
  })
})
