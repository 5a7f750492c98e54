import { readFileSync } from 'node:fs'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { CONTRACT_VERSIONS, SUITES, VERDICTS, type ConformanceReport } from '../../scenarios/types.ts'
import { fixture } from '../../test/fixtures/results-fixture.ts'
import { parseResults, ResultsFileError } from './parse.ts'
import { CaseResultSchema, ConformanceSchema, SCHEMA_VERSION, VerdictSchema, type Conformance } from './schema.ts'

/** What `unblocked report` reads: the fixture written as JSON and read back. */
const written = (): Record<string, unknown> => JSON.parse(JSON.stringify(fixture)) as Record<string, unknown>

function rejection(json: unknown): ResultsFileError {
  try {
    parseResults(json)
  } catch (err) {
    if (err instanceof ResultsFileError) return err
    throw err
  }
  throw new Error('parseResults accepted it')
}

describe('parseResults', () => {
  it('reads back what a run writes: the fixture round-trips through JSON unchanged', () => {
    expect(parseResults(written())).toEqual(fixture)
  })

  it('names the version it cannot read, older or newer', () => {
    expect(rejection({ ...written(), schemaVersion: 1 }).message).toBe(`results.json has schemaVersion 1; this unblocked reads schemaVersion ${SCHEMA_VERSION} (an older unblocked wrote it: render it with that version, or run the bench again)`)
    expect(rejection({ ...written(), schemaVersion: 99 }).message).toMatch(/^results\.json has schemaVersion 99; this unblocked reads schemaVersion 3 \(a newer unblocked wrote it/)
    expect(rejection({ ...written(), schemaVersion: '2' }).message).toMatch(/has schemaVersion "2"; .*schemaVersion must be a number/)
  })

  it('a file that is not a results.json at all says so', () => {
    expect(rejection([]).message).toBe('results.json is not an unblocked results.json: expected a JSON object, got an array')
    expect(rejection({ contract: 'v1', cases: [] }).message).toBe('results.json is not an unblocked results.json: it has no schemaVersion (this unblocked reads schemaVersion 3)')
  })

  it('a malformed file names the path of each problem', () => {
    const json = written() as { cells: { trials: Record<string, unknown>[] }[]; targets: Record<string, unknown>[] }
    ;(json.cells[0]?.trials[0] as Record<string, unknown>).rps = 'fast'
    ;(json.targets[3] as Record<string, unknown>).state = 'gone'
    const err = rejection(json)
    expect(err.message).toMatch(/^results\.json does not match results\.json schemaVersion 3: /)
    expect(err.problems).toEqual([
      'at targets[3].state: Invalid discriminator value. Expected \'ok\' | \'died\' | \'failed-to-start\'',
      'at cells[0].trials[0].rps: Invalid input: expected number, received string',
    ])
    expect(err.message).toContain('at cells[0].trials[0].rps: Invalid input: expected number, received string')
  })

  it('a measurement written as null (a NaN in the run) is a problem, not a number', () => {
    const json = written() as { cells: { median: Record<string, unknown> }[] }
    ;(json.cells[0] as { median: Record<string, unknown> }).median.rps = null
    expect(rejection(json).problems).toEqual(['at cells[0].median.rps: Invalid input: expected number, received null'])
  })

  it('lists the first problems and counts the rest', () => {
    const json = written() as { cells: Record<string, unknown>[] }
    for (const c of json.cells) c.target = 7
    const err = rejection(json)
    expect(err.problems).toHaveLength(json.cells.length)
    expect(err.message).toMatch(new RegExp(`; and ${json.cells.length - 5} more$`))
  })
})

describe('the schema module', () => {
  it('imports nothing but zod: internal types are mapped onto it, never the other way round', () => {
    const source = readFileSync(new URL('./schema.ts', import.meta.url), 'utf8')
    expect([...source.matchAll(/^(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1])).toEqual(['zod'])
  })

  it('describes conformance reports exactly as the conformance runner produces them', () => {
    expect(CaseResultSchema.shape.suite.options).toEqual([...SUITES])
    expect(ConformanceSchema.shape.contract.options).toEqual([...CONTRACT_VERSIONS])
    expect(VerdictSchema.options).toEqual([...VERDICTS])
    expectTypeOf<Conformance>().toExtend<ConformanceReport>()
    expectTypeOf<ConformanceReport>().toExtend<Conformance>()
  })

  it('keeps an unstable case and its attempts (stable timing verdicts)', () => {
    const attempts = [{ verdict: 'FAIL', reason: 'pings waited up to 124 ms (bound 100 ms)', worstPingMs: 124, durationMs: 700 }, { verdict: 'PASS', reason: '', worstPingMs: 12, durationMs: 690 }]
    const unstable = { id: 'blocking.cpu-sync', suite: 'blocking', level: 'MUST', description: 'd', verdict: 'PASS', reason: '', data: { attempts }, durationMs: 1390, unstable: true }
    expect(CaseResultSchema.parse(unstable)).toEqual(unstable)
    expect(CaseResultSchema.safeParse({ ...unstable, unstable: false }).success).toBe(false) // present only when it was
  })
})
