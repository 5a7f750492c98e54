import { describe, expect, it } from 'vitest'
import type { RequestOptions, TargetClient } from '../client.ts'
import { calibrateCpu, MAX_N } from './calibrate-cpu.ts'

/** A fake target whose `/cpu/sync?n=K` takes `msPerK × K` ms (reported, not waited for). */
function target(msPerK: number, status = 200): TargetClient & { paths: string[] } {
  const paths: string[] = []
  return {
    paths,
    request: async (path: string, _opts?: RequestOptions) => {
      paths.push(path)
      const k = Number(/n=(\d+)/.exec(path)?.[1])
      return { status, headers: {}, body: Buffer.from('{}'), ms: k * msPerK }
    },
  } as unknown as TargetClient & { paths: string[] }
}

describe('calibrating the heavy K on the target', () => {
  it('doubles K from 50,000 until one call takes 300 ms there', async () => {
    // Python's hashlib: ~300,000 rounds in ~70 ms.
    const c = await calibrateCpu(target(70 / 300_000), '/cpu/sync', { timeoutMs: 1_000 })
    expect(c.steps.map((s) => s.k)).toEqual([50_000, 100_000, 200_000, 400_000, 800_000, 1_600_000])
    expect(c.k).toBe(1_600_000)
    expect(c.steps.at(-1)?.ms).toBeGreaterThanOrEqual(300)
    expect(c.short).toBeUndefined()
  })

  it('a target slow enough at the floor keeps the floor', async () => {
    const c = await calibrateCpu(target(1 / 100), '/cpu/offload', { timeoutMs: 1_000 })
    expect(c).toEqual({ k: 50_000, steps: [{ k: 50_000, ms: 500 }] })
  })

  it('stops at the contract\'s largest n, and within the time budget, saying so', async () => {
    const fast = await calibrateCpu(target(1 / 1_000_000), '/cpu/sync', { timeoutMs: 1_000 })
    expect(fast.k).toBe(MAX_N)
    expect(fast.short).toBe(`n=${MAX_N}, the contract's largest, took 10 ms`)
    const budget = await calibrateCpu(target(1 / 1_000), '/cpu/sync', { timeoutMs: 1_000, budgetMs: 120 })
    expect(budget.steps.map((s) => s.k)).toEqual([50_000])
    expect(budget.short).toBe('the next step would pass the 120 ms budget')
  })

  it('a status other than 200 stops it', async () => {
    const t = target(1 / 1_000, 404)
    expect(await calibrateCpu(t, '/cpu/sync', { timeoutMs: 1_000 })).toEqual({ k: 50_000, steps: [{ k: 50_000, ms: 50 }], short: 'GET /cpu/sync?n=50000 answered 404' })
    expect(t.paths).toEqual(['/cpu/sync?n=50000'])
  })
})
