import { describe, expect, it } from 'vitest'
import type { CurvePoint } from '../../harness/results/schema.ts'
import { fixture } from '../../test/fixtures/results-fixture.ts'
import { curvesHtml, curvesMarkdown, curvesPageData, latencyMs } from './curves.ts'
import { embedJson, renderHtml } from './html.ts'
import { renderSummary } from './markdown.ts'

describe('open-loop latency curves in summary.md', () => {
  const md = curvesMarkdown(fixture).join('\n')
  it('a table per scenario: target, share of max, rate, achieved, p50, p99, max, failed, generator lag', () => {
    expect(md).toContain('#### json-async')
    // 0.25 × 31,000 = 7,750 asked, 99% achieved, p50 0.41 ms at µs resolution, p99 4×, max 10×
    expect(md).toMatch(/\| reference \| 25% \| 7,750 \| 7,673 \| 0\.41 \| 1\.64 \| 4\.1 \| 0 \/ 15,500 \| 0\.9 \| +\|$/m)
    expect(md).toMatch(/\| express \| 75% \| 6,000 \| 5,940 \| 12 \| 48 \| 120 \| 3 \/ 12,000 \| 0\.9 \| +\|$/m)
  })
  it('shows the generator`s own lag beside each point, and flags a point where it fell behind', () => {
    expect(md).toMatch(/\| reference \| 75% \| .* \| 14\.5 \| generator behind \|/)
  })
  it('lists curves that were not measured, with the reason, escaped', () => {
    expect(md).toMatch(/\| nostart \| \| \| \| \| \| \| \| \| skipped: not measured: the cell was not run/)
    expect(md).toContain('| hostile |')
    expect(md).not.toContain('<script>')
    expect(md).not.toContain('[l](javascript')
  })
  it('is part of the summary, and absent from a run that measured no curve', () => {
    expect(renderSummary(fixture)).toContain('### Latency under load (open loop)')
    expect(curvesMarkdown({ latencyCurves: [] })).toEqual([])
  })
})

describe('open-loop latency curves in index.html', () => {
  it('a chart per scenario, fed achieved requests/s and p50/p99 per point', () => {
    expect(renderHtml(fixture)).toContain('id="curve-json-async"')
    const data = curvesPageData(fixture)
    expect(data.targets).toEqual(['reference', 'express', 'hostile', 'nostart'])
    expect(data.scenarios.map((s) => s.id)).toEqual(['json-async'])
    const reference = data.scenarios[0]?.curves.find((c) => c.target === 'reference')
    expect(reference?.points.map((p) => [p.x, p.p50, p.p99, p.behind])).toEqual([
      [7672.5, 0.41, 1.64, false],
      [15345, 0.62, 2.48, false],
      [23017.5, 1.9, 7.6, true],
    ])
    expect(data.scenarios[0]?.curves.map((c) => c.target)).toEqual(['reference', 'express']) // skipped curves have no line
  })
  it('names what was not measured and where the generator was behind; target text cannot become markup', () => {
    const html = curvesHtml(fixture)
    expect(html).toContain('json-async · nostart: skipped: not measured: the cell was not run')
    expect(html).toContain('json-async · reference at 75% of max: generator behind (its own lag p99 14.5 ms)')
    expect(html).not.toContain('<script>window.__pwned')
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;')
    expect(embedJson(curvesPageData(fixture))).not.toMatch(/[<>&]/)
  })
  it('a point at which no request completed is an error: listed, not drawn at achieved 0 req/s', () => {
    const ok = fixture.latencyCurves[0]
    if (ok?.state !== 'ok') throw new Error('the fixture’s first curve is ok')
    const dead = { ...ok.points[2], completed: 0, failed: ok.points[2]?.scheduled ?? 0, achievedRps: 0 } as CurvePoint
    const r = { targets: fixture.targets, latencyCurves: [{ ...ok, points: [ok.points[0], ok.points[1], dead] as CurvePoint[] }] }
    expect(curvesPageData(r).scenarios[0]?.curves[0]?.points.map((p) => p.fraction)).toEqual([0.25, 0.5])
    expect(curvesHtml(r)).toContain('json-async · reference at 75% of max: error, no request of 46,500 completed (not drawn)')
    expect(curvesMarkdown(r).join('\n')).toMatch(/\| reference \| 75% \| 23,250 \| 0 \| .*\| error: no request completed \|/)
  })
  it('a run without curves says so', () => {
    expect(curvesHtml({ latencyCurves: [] })).toContain('Not measured in this run.')
  })
})

describe('latency formatting', () => {
  it('µs under 1 ms, three significant digits to 100 ms, whole ms above', () => {
    expect([0.0416, 0.41, 4.1234, 48.26, 1234.5].map(latencyMs)).toEqual(['0.042', '0.41', '4.12', '48.3', '1,235'])
  })
})
