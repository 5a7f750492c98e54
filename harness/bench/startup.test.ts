import { describe, expect, it } from 'vitest'
import type { Startup } from '../results/schema.ts'
import { buildSettings } from './profiles.ts'
import { describeRound, measureStartup, startupEntry, type RoundDone, type StartupPlan } from './startup.ts'

const node = (js: string): string => `exec "${process.execPath}" -e '${js}'`
const server = (name: string): StartupPlan => ({ name, command: node('require("http").createServer((q, s) => s.end("ok")).listen(+process.env.PORT, "127.0.0.1")') })

describe('the start-up phase', () => {
  it('starts every target once a round, summarizes its samples, errors one that fails (once), and skips variants', async () => {
    const plans: StartupPlan[] = [server('a'), server('b'), { name: 'a-variant', command: '(the same process)', variant: { of: 'a' } }, { name: 'bad', command: 'exit 5' }]
    const rounds: RoundDone[] = []
    const entries = await measureStartup(plans, { rounds: 2, idleMs: 150, timeoutMs: 20_000, seed: 42 }, { round: (d) => rounds.push(d) })
    expect(entries.map((e) => [e.target, e.state])).toEqual([['a', 'ok'], ['b', 'ok'], ['a-variant', 'skipped'], ['bad', 'errored']])
    const a = entries[0] as Extract<Startup, { state: 'ok' }>
    expect(a.samples.map((s) => s.round)).toEqual([1, 2])
    for (const s of a.samples) {
      expect(s.healthyMs).toBeGreaterThan(0)
      expect(s.idleRssBytes).toBeGreaterThan(0)
    }
    const [h1, h2] = a.samples.map((s) => s.healthyMs) as [number, number]
    expect(a.median.healthyMs).toBe((h1 + h2) / 2)
    expect(entries[2]).toMatchObject({ reason: "runs in a's process: its start-up is a's" })
    expect(entries[3]).toMatchObject({ error: expect.stringMatching(/^round 1: the command exited with code 5 after [\d.,]+ m?s, before GET \/health answered 200/) })
    // Round 1 started all three; round 2 did not start the one that failed again.
    expect(rounds.map((d) => d.samples.map((s) => s.target).sort())).toEqual([['a', 'b', 'bad'], ['a', 'b']])
    expect(describeRound(rounds[1] as RoundDone)).toMatch(/^round 2\/2: (a|b) \d+ ms, \d+ MiB · (a|b) \d+ ms, \d+ MiB$/)
  })

  it('the order within a round comes from the seed: the same seed, the same order', async () => {
    const plans = ['p', 'q', 'r'].map(server)
    const order = async (): Promise<string[][]> => {
      const rounds: RoundDone[] = []
      await measureStartup(plans, { rounds: 2, idleMs: 20, timeoutMs: 20_000, seed: 7 }, { round: (d) => rounds.push(d) })
      return rounds.map((d) => d.samples.map((s) => s.target))
    }
    const first = await order()
    expect(first.map((r) => [...r].sort())).toEqual([['p', 'q', 'r'], ['p', 'q', 'r']])
    expect(await order()).toEqual(first)
  })

  it('0 rounds: nothing started, nothing recorded', async () => {
    expect(await measureStartup([{ name: 'never', command: 'exit 1' }], { rounds: 0, idleMs: 0, timeoutMs: 1_000, seed: 1 })).toEqual([])
  })

  it('an aborted run leaves the targets it did not measure skipped, saying why', async () => {
    const abort = new AbortController()
    abort.abort()
    expect(await measureStartup([server('x')], { rounds: 3, idleMs: 0, timeoutMs: 1_000, seed: 1 }, {}, abort.signal)).toEqual([{ state: 'skipped', target: 'x', reason: 'not measured: the run was interrupted first' }])
  })
})

describe('a target\'s entry', () => {
  it('medians of its samples; CPU only when the samples have it', () => {
    const e = startupEntry('t', [
      { round: 1, healthyMs: 100, idleRssBytes: 3, cpuMs: 40, threads: 7 },
      { round: 2, healthyMs: 300, idleRssBytes: 5, cpuMs: 60, threads: 7 },
      { round: 3, healthyMs: 200, idleRssBytes: 4, cpuMs: 50, threads: 7 },
    ])
    expect(e).toMatchObject({ state: 'ok', target: 't', median: { healthyMs: 200, idleRssBytes: 4, cpuMs: 50 } })
    expect(startupEntry('t', [{ round: 1, healthyMs: 100, idleRssBytes: 3 }])).toMatchObject({ median: { healthyMs: 100, idleRssBytes: 3 } })
    expect((startupEntry('t', [{ round: 1, healthyMs: 100, idleRssBytes: 3 }]) as Extract<Startup, { state: 'ok' }>).median.cpuMs).toBeUndefined()
  })
})

describe('its settings', () => {
  it('5 starts per target by default, 3 quick, a second idle; --startup-rounds overrides, 0 skips', () => {
    expect(buildSettings({}).startup).toEqual({ rounds: 5, idleMs: 1000 })
    expect(buildSettings({ quick: true }).startup).toEqual({ rounds: 3, idleMs: 1000 })
    expect(buildSettings({ quick: true, startupRounds: '0' }).startup.rounds).toBe(0)
    expect(buildSettings({ startupRounds: '8' }).startup.rounds).toBe(8)
    expect(() => buildSettings({ startupRounds: '-1' })).toThrow('--startup-rounds must be an integer ≥ 0, got "-1"')
  })
})
