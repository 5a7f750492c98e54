/** The README's example app compiles (npm test runs tsc) and behaves as the README says. */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseResults } from '../harness/results/parse.ts'
import { measuredSection } from '../reports/bench/measured.ts'
import { verdictMatrix } from '../reports/conformance/matrix.ts'
import type { ConformanceReport } from '../scenarios/types.ts'
import def from './fixtures/readme-app.ts'
import defV2 from './fixtures/readme-v2-app.ts'
import { request, start, type Started } from './http.ts'

let s: Started
beforeAll(async () => {
  s = await start(def, { pool: { minThreads: 1 } })
})
afterAll(() => s?.close())

it('serves the README example', async () => {
  expect((await request(`${s.url}/items/5`)).json()).toEqual({ id: 5 })
  const created = await request(`${s.url}/items`, { method: 'POST', body: JSON.stringify({ name: 'bolt', qty: 2 }), headers: { 'content-type': 'application/json' } })
  expect(created.status).toBe(201)
  expect(created.json()).toEqual({ name: 'bolt', qty: 2, by: 'ada', left: -1 })
  expect((await request(`${s.url}/items/search?q=x`, { headers: { 'x-token': 't' } })).json()).toEqual(['x', 't'])
  const v = await request(`${s.url}/items/version`)
  expect(v.text).toBe('1.0')
})

describe('the second README example (dependencies, streaming, background tasks, context)', () => {
  let v2: Started
  beforeAll(async () => {
    v2 = await start(defV2, { pool: { minThreads: 1 } })
  })
  afterAll(() => v2?.close())

  it('serves it as the README says', async () => {
    expect((await request(`${v2.url}/orders/one`, { headers: { 'x-request-id': 'r-1' } })).json()).toEqual({ s: 'db-session', rid: 'r-1' })
    expect((await request(`${v2.url}/orders/rows`)).json()).toEqual(['select 1', 1])
    const csv = await request(`${v2.url}/orders/export`)
    expect(csv.text).toBe('row 0\nrow 1\nrow 2\n')
    expect(csv.headers.get('transfer-encoding')).toBe('chunked')
    expect((await request(`${v2.url}/orders`, { method: 'POST' })).status).toBe(202)
    const archived = await request(`${v2.url}/orders/archived`)
    expect(archived.status).toBe(410)
    expect(archived.json()).toEqual({ error: { code: 'UNB_ERR_HTTP_STATUS', message: 'this order was archived' } })
  })
})

describe('the Measured section', () => {
  it('is `unblocked report --readme` of the committed results file, a complete default-profile run', () => {
    const results = parseResults(JSON.parse(readFileSync(new URL('../docs/results/bench.json', import.meta.url), 'utf8')), 'docs/results/bench.json')
    expect(results).toMatchObject({ state: 'complete', settings: { profile: 'default' } })
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    expect(readme).toContain(measuredSection(results))
  })
})

describe('the verdict matrix', () => {
  const targets = ['reference', 'fastify-piscina', 'fastapi', 'express', 'fastify']
  const reports = targets.map((name) => ({ name, report: JSON.parse(readFileSync(new URL(`../docs/verdicts/${name}.json`, import.meta.url), 'utf8')) as ConformanceReport }))
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

  it.each([
    ['v1', ['coercion', 'extraction', 'errors', 'thread-safety', 'blocking']],
    ['v2', ['deps', 'context', 'background', 'streaming', 'cancellation', 'capacity', 'invasive']],
  ] as const)("the README's %s table is `unblocked matrix` of the committed reports", (_name, suites) => {
    expect(readme).toContain(verdictMatrix(reports, suites))
  })

  it('the committed reports are full v2 runs, one per target', () => {
    for (const { name, report } of reports) {
      expect(report.contract).toBe('v2')
      expect(report.target.name).toBe(name)
      expect(report.cases.map((c) => c.suite)).toContain('invasive')
    }
  })
})

describe("the README's first app", () => {
  // The package test runs these files from the installed tarball; the README must show them as they are.
  it.each(['typescript/app.ts', 'typescript/main.ts', 'plain-js/app.js', 'plain-js/main.js'])('shows examples/%s verbatim', (file) => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const source = readFileSync(new URL(`../examples/${file}`, import.meta.url), 'utf8').trimEnd()
    const fence = file.endsWith('.ts') ? 'ts' : 'js'
    expect(readme).toContain(`\`\`\`${fence}\n${source}\n\`\`\``)
  })
})
