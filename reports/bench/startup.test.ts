import { describe, expect, it } from 'vitest'
import type { BenchResults, Startup } from '../../harness/results/schema.ts'
import { fixture, HOSTILE } from '../../test/fixtures/results-fixture.ts'
import { renderHtml } from './html.ts'
import { renderSummary } from './markdown.ts'
import { measuredSection } from './measured.ts'
import { startupHtml, startupMarkdown, startupMeasured } from './startup.ts'

const MiB = 2 ** 20
const startup: Startup[] = [
  {
    state: 'ok',
    target: 'reference',
    samples: [
      { round: 1, healthyMs: 1550, idleRssBytes: 300 * MiB, cpuMs: 2400, threads: 30 },
      { round: 2, healthyMs: 1400, idleRssBytes: 290 * MiB, cpuMs: 2300, threads: 30 },
      { round: 3, healthyMs: 1700, idleRssBytes: 310 * MiB, cpuMs: 2500, threads: 31 },
    ],
    median: { healthyMs: 1550, idleRssBytes: 300 * MiB, cpuMs: 2400 },
    peakRssBytes: 512 * MiB,
  },
  { state: 'ok', target: 'express', samples: [{ round: 1, healthyMs: 240.4, idleRssBytes: 70 * MiB }], median: { healthyMs: 240.4, idleRssBytes: 70 * MiB } },
  { state: 'errored', target: 'hostile', error: `round 1: the target process exited (code 1) before answering GET /health: ${HOSTILE}` },
  { state: 'skipped', target: 'reference-nodetect', reason: "runs in reference's process: its start-up is reference's" },
]
const run: BenchResults = { ...fixture, settings: { ...fixture.settings, startup: { rounds: 3, idleMs: 1000 } }, startup }

describe('start-up and memory in summary.md', () => {
  const md = startupMarkdown(run).join('\n')
  it('a row per target: time to healthy (median, min–max), idle and peak RSS, CPU to start, threads, starts', () => {
    expect(md).toMatch(/^### Start-up and memory\n\nEach target started alone 3 times before the load trials.*after 1,000 ms idle/)
    expect(md).toContain('| reference | 1,550 [1,400–1,700] | 300 MiB | 512 MiB | 2.4 | 30 | 3 |')
    // No CPU or threads recorded, no load trials: dashes, not zeros.
    expect(md).toContain('| express | 240 [240–240] | 70 MiB | — | — | — | 1 |')
    expect(md).toContain('| reference-nodetect | skipped: runs in reference&#39;s process: its start-up is reference&#39;s |')
  })
  it('an errored target says why, escaped', () => {
    expect(md).toContain('| hostile | errored: round 1: the target process exited \\(code 1\\) before answering GET /health: &lt;script&gt;')
    expect(md).not.toContain('<script>')
    expect(md).not.toContain('[l](javascript')
  })
  it('is wired into the summary', () => {
    expect(renderSummary(run)).toContain('| reference | 1,550 [1,400–1,700] | 300 MiB | 512 MiB | 2.4 | 30 | 3 |')
  })
})

describe('start-up and memory on the page', () => {
  const html = startupHtml(run)
  it('a table row per target, each start behind its time, target text escaped', () => {
    expect(html).toContain('<h2 id="startup">Start-up and memory</h2>')
    expect(html).toContain('<td class="title">reference</td><td class="num" data-label="to healthy, ms: median [min–max]" title="round 1: 1,550 ms, 300 MiB; round 2: 1,400 ms, 290 MiB; round 3: 1,700 ms, 310 MiB">1,550 [1,400–1,700]</td><td class="num" data-label="idle RSS">300 MiB</td><td class="num" data-label="peak RSS under load">512 MiB</td><td class="num" data-label="CPU to start, s">2.4</td><td class="num" data-label="threads idle">30</td><td class="num" data-label="starts">3</td>')
    expect(html).toContain('<tr class="bad"><td class="title">hostile</td><td colspan="6">errored: round 1:')
    expect(html).not.toContain('<script>window.__pwned')
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;')
  })
  it('is wired into the page', () => {
    expect(renderHtml(run)).toContain(html)
  })
})

describe('a run without start-up measurements', () => {
  it('renders no Markdown section and leaves the README lines as they were', () => {
    expect(startupMarkdown(fixture)).toEqual([])
    expect(startupMeasured(fixture)).toEqual([])
    expect(renderSummary(fixture)).not.toContain('Start-up and memory')
    expect(measuredSection(fixture)).not.toContain('Start-up and memory')
  })
  it('says on the page why there is no table', () => {
    expect(startupHtml(fixture)).toContain('Not measured: the run was made before the bench had a start-up phase.')
    expect(startupHtml({ ...fixture, settings: { ...fixture.settings, startup: { rounds: 0, idleMs: 1000 } } })).toContain('Not measured: the start-up phase was off (--startup-rounds 0).')
    expect(startupHtml({ ...fixture, settings: { ...fixture.settings, startup: { rounds: 5, idleMs: 1000 } } })).toContain('Not measured: the run ended before its start-up phase.')
  })
})

describe("the README's Measured section", () => {
  it('ends with the start-up table under its own sentence', () => {
    const section = measuredSection(run)
    expect(section).toMatch(/\n\nStart-up and memory\. Each target started alone 3 times .*\n\n\| target \| to healthy, ms: median \[min–max\] \|.*\n\|---\|/)
    expect(section.trimEnd().endsWith('| reference-nodetect | skipped: runs in reference&#39;s process: its start-up is reference&#39;s | | | | | |')).toBe(true)
  })
})
