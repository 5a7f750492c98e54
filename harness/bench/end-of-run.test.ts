import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixture } from '../../test/fixtures/results-fixture.ts'
import { parseResults } from '../results/parse.ts'
import type { BenchResults, Cell, Startup } from '../results/schema.ts'
import { endOfRun } from './end-of-run.ts'

/** A real default run, committed: 6 targets, 7 scenarios, two targets in json-async only. */
const committed: BenchResults = parseResults(JSON.parse(readFileSync(new URL('../../test/fixtures/bench-run.json', import.meta.url), 'utf8')))

/** The load table's rows by scenario: the targets listed under each scenario's heading. */
function rowsByScenario(text: string, r: BenchResults): Map<string, string[]> {
  const out = new Map<string, string[]>()
  let current: string[] | undefined
  const table = text.slice(text.indexOf('Load:'), text.indexOf('└'))
  for (const line of table.split('\n')) {
    const heading = r.scenarios.find((s) => line.startsWith(`│ ${s.id} · `))
    if (heading !== undefined) out.set(heading.id, (current = []))
    else if (current !== undefined && /^│ \S/.test(line)) current.push(line.split('│')[1]?.trim() ?? '')
  }
  return out
}

describe('the end of a bench run', () => {
  const text = endOfRun(committed)

  it('keeps to 100 columns', () => {
    for (const line of text.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(100)
  })

  it('lists, under each scenario, exactly the targets that ran in it: no rows for the others', () => {
    const rows = rowsByScenario(text, committed)
    expect([...rows.keys()]).toEqual(committed.scenarios.map((s) => s.id))
    for (const s of committed.scenarios) expect(rows.get(s.id), s.id).toEqual(committed.cells.filter((c) => c.scenario === s.id).map((c) => c.target))
    // the floor and the detection-off variant run json-async only
    expect(rows.get('json-async')).toContain('node-http')
    expect(rows.get('cpu-sync')).not.toContain('node-http')
    expect(text).not.toMatch(/n\/a/)
  })

  it('rounds: requests/s and latency to 3 significant figures, with the interval where there is one', () => {
    // json-async reference: median 28,812 req/s, interval [25,512, 29,188], p50 1.61 ms
    expect(text).toMatch(/│ reference +│ 28,800 │ 25,500–29,200 │ +1\.61 │ +3\.96 │/)
    // 3 trials give no interval
    expect(text).toMatch(/│ express +│ +5,310 │ +— │ +17\.3 │ +36\.4 │/)
    // pings: p99 / longest wait
    expect(text).toMatch(/│ express +│ +19 │ +18\.9–19 │ +361 │ +782 │ 1,550 \/ 1,580 │/)
  })

  it('flags cells a reader must not take at face value, and says once what each flag means', () => {
    expect(text).toMatch(/│ fastify-piscina +│ 39,900 │ .*│ saturated 1\/10 +│/)
    expect(text).toMatch(/^ {2}saturated k\/n: the load generator was saturated in k of n trials/m)
    expect(text.match(/^ {2}slowed k\/n:/gm)).toHaveLength(1)
    const ceiling = committed.cells.map((c): Cell => (c.state === 'ok' && c.scenario === 'json-async' && c.target === 'node-http' ? { ...c, atCeiling: true, invalid: '3 non-2xx answer(s) in 38,000 requests' } : c))
    const flagged = endOfRun({ ...committed, cells: ceiling })
    // "≥": a lower bound; the flags wrap in their column
    expect(flagged).toMatch(/│ node-http +│ ≥ 38,100 │ .*│ invalid, at +│\n│ +│.*│ ceiling +│/)
    expect(flagged).toMatch(/^ {2}invalid: json-async · node-http: 3 non-2xx answer\(s\) in 38,000 requests; no requirement reads it$/m)
    expect(flagged).toMatch(/^ {2}at ceiling: within 90% of the load generator's ceiling \(49,400 req\/s\)/m)
  })

  it('flags pings that were lost and trials that failed in a cell that still has ok ones', () => {
    const cells = committed.cells.map((c): Cell => {
      if (c.state !== 'ok' || c.scenario !== 'ping-under-sync-blocking' || c.target !== 'express' || c.ping === undefined) return c
      return { ...c, ping: { ...c.ping, target: { ...c.ping.target, served: c.ping.target.scheduled - 120, failed: 120 } }, trials: [...c.trials, { trial: 11, state: 'errored', error: 'the load generator failed' }] }
    })
    const out = endOfRun({ ...committed, cells })
    expect(out).toMatch(/│ express +│ +19 │ .*│ pings lost 120, +│\n│ +│.*│ failed 1\/11 +│/)
    expect(out).toMatch(/^ {2}pings lost: scheduled pings answered otherwise than 200, or not within the deadline$/m)
    expect(out).toMatch(/^ {2}failed k\/n: trials that errored or in which the target crashed/m)
  })

  it('ends with every requirement: value, 95% interval, verdict; what would resolve one that is inconclusive', () => {
    const requirements = text.slice(text.indexOf('Requirements'))
    expect(text.indexOf('Requirements')).toBeGreaterThan(text.indexOf('Load:'))
    expect(requirements).toMatch(/│ json-async: reference ≥ 0\.95 × raw node:http requests\/s +│ 0\.733 │ +0\.659–0\.792 │ ✗ not met +│/)
    expect(requirements).toMatch(/│ json-async: reference ≥ 0\.8 × fastify requests\/s +│ 0\.872 │ +0\.719–0\.946 │ \? inconclusive │/)
    expect(requirements).toMatch(/│ → 0\.872 \[0\.719, 0\.946\] over 10 paired trials straddles/)
    expect(requirements.match(/✓ met/g)).toHaveLength(committed.ratios.filter((x) => x.verdict === 'met').length)
    // a verdict the row says in full gets no second line
    expect(requirements).not.toMatch(/→ 0\.733/)
  })

  it('says what the verification found per target, and the instruments\' limits', () => {
    expect(text).toMatch(/^Verification before the load \(coercion, extraction, errors, thread-safety\):$/m)
    expect(text).toMatch(/^ {2}✓ reference: every MUST case passed$/m)
    expect(text).toMatch(/^ {2}✗ express: 1 MUST case failed: errors\.method-not-allowed$/m)
    expect(text).toMatch(/^load generator ceiling: 49,400 req\/s \(autocannon against a no-op server\)$/m)
  })

  it('a run that ended early shows what it measured: an errored cell as a row, cells never run counted, failed targets named', () => {
    const out = endOfRun({ ...fixture, state: 'interrupted' })
    expect(out).toMatch(/^bench interrupted in 300 s/)
    expect(out).toMatch(/│ hostile +│ +— │ .*│ errored: the target/)
    expect(out).not.toMatch(/│ nostart/)
    expect(out).toMatch(/^ {2}1 cell not run: the target did not start$/m)
    expect(out).toMatch(/^ {2}✗ nostart: failed-to-start — the target process exited \(code 7\)/m)
    for (const line of out.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(100)
  })

  it('shows start-up and memory per target when the run measured them', () => {
    expect(text).not.toMatch(/Start-up and memory/)
    const startup: Startup[] = [
      { state: 'ok', target: 'reference', samples: [{ round: 1, healthyMs: 7_912.4, idleRssBytes: 1_071_644_672 }], median: { healthyMs: 7_912.4, idleRssBytes: 1_071_644_672 }, peakRssBytes: 1_300_000_000 },
      { state: 'errored', target: 'express', error: 'the target process exited (code 1) before answering GET /health' },
    ]
    const out = endOfRun({ ...committed, startup })
    expect(out).toMatch(/│ reference +│ +7,910 │ 1,020 MiB │ 1,240 MiB │ +│/)
    expect(out).toMatch(/│ express +│ +— │ +— │ +— │ errored: the target process exited/)
  })
})
