import { convert } from 'xmlbuilder2'
import { describe, expect, it } from 'vitest'
import { fixture, HOSTILE } from '../../test/fixtures/results-fixture.ts'
import type { BenchResults } from '../../harness/results/schema.ts'
import { embedJson, renderHtml } from './html.ts'
import { pageData } from './page-data.ts'
import { junitRenderer } from './junit.ts'
import { renderSummary } from './markdown.ts'

describe('summary.md', () => {
  const md = renderSummary(fixture)
  it('lists every requirement with its value, 95% interval, verdict and how the verdict follows', () => {
    expect(md).toMatch(/\| json-async: reference ≥ 0\.8 × fastify requests\/s \| — \| — not measured \| no completed cell for fastify json-async \|/)
    // the pooled p99 over every ping of the 6 trials, its interval from resampling whole trials
    expect(md).toMatch(/ping-under-sync-blocking: reference ping p99 ≤ 20 ms .*\| 10\.4 \[9\.5–10\.4\] \| ✅ met \| .*over 6 trials/)
    // the median of the per-trial ratios (the ratio of the medians would read 1.688)
    expect(md).toMatch(/cpu-sync: reference ≥ 1\.5 × express .* \| 1\.669 \[1\.656–1\.7\] \| ✅ met \|/)
    // three trials give no interval: inconclusive, saying so, whatever the point says
    expect(md).toMatch(/express \\\(which blocks\\\) ping p99 ≥ 100 ms \| 2,521 \| ❔ inconclusive \| .*too few for a 95% interval/)
    expect(md).toMatch(/micro: the offload round trip ≤ 1\.0 × .* \| 1\.3 \[1\.2–1\.35\] \| ❌ not met \|/)
  })
  it('opens with the headline: a word and a number per target and question, marked', () => {
    expect(md.indexOf('### At a glance')).toBeLessThan(md.indexOf('### Requirements'))
    // the reference's p99 meets 20 ms, but at 4.5 × its control (not met) the loop is not shown free
    expect(md).toMatch(/\| reference \| ❔ \*\*unclear\*\* p99 10\.4 ms · control 2\.3 ms \| /)
    expect(md).toMatch(/\| express \| ❌ \*\*no\*\* p99 2,521 ms · control 2\.3 ms \| ❌ \*\*no\*\* 0\.9 cores \|/)
    expect(md).toMatch(/\| nostart \| \*\*—\*\* \| \*\*—\*\* \| \*\*not measured\*\* \|/)
  })
  it('shows the run conditions: the generator ceiling, the machine probe, the prober noise', () => {
    expect(md).toMatch(/\*\*Load generator ceiling\*\* \(autocannon against a no-op server, 50 connections\): 40,000 req\/s/)
    expect(md).toMatch(/\*\*Machine speed\*\* .*: median 8\.3\d? ms/)
    expect(md).toMatch(/\*\*Prober noise\*\* .*control p99 2\.3 ms beside reference, 2\.3 ms beside express/)
  })
  it('shows conformance counts and MUST failures per target, and targets that never verified', () => {
    expect(md).toMatch(/\| express \| 1 \| 1 \| 0 \| 1 \| 0 \| 0 \| `blocking\.sync-parallel` \|/)
    expect(md).toMatch(/\| nostart \|( — \|){6} failed-to-start \|/)
  })
  it('shows errored and skipped cells with their reason, and survives missing cells', () => {
    expect(md).toMatch(/\| json-async \| nostart \| skipped: not run: the target did not start \|/)
    expect(md).toMatch(/\| json-async \| hostile \| errored: the target process exited/)
    expect(md).toMatch(/\| json-async \| reference \| 31,000 \| 1\.7 \/ 5 \|  \| 0 \/ 0 \/ 0 \/ 0 \|/)
  })
  it('escapes everything a target sent', () => {
    expect(md).not.toContain('<script>')
    expect(md).not.toContain('<img')
    expect(md).not.toContain('[l](javascript')
  })
})

describe('index.html', () => {
  const html = renderHtml(fixture)
  it('is self-contained: chart.js inlined, no external resources', () => {
    expect(html).toContain('Chart.js')
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/i)
    expect(html).toContain("default-src 'none'")
  })
  it('has a canvas for every chart the report promises', () => {
    for (const id of ['rps-json-async', 'rps-cpu-sync', 'lat-json-async', 'ping-timeline', 'cpu-scaling-chart', 'memory-chart', 'micro-chart']) expect(html).toMatch(new RegExp(`<canvas id="${id}">`))
  })
  it('opens with the headline, then the ping timeline, then the rest', () => {
    const at = (id: string): number => html.indexOf(`<section id="${id}"`)
    const order = ['headline', 'pings', 'requirements', 'conformance', 'rps', 'latency', 'curves', 'cpu-scaling', 'startup-memory', 'micro', 'environment', 'cells'].map(at)
    expect(order.every((x) => x > 0)).toBe(true)
    expect(order).toEqual([...order].sort((a, b) => a - b))
  })
  it('each headline answer links to its evidence: a requirement’s row, or a section', () => {
    expect(html).toMatch(/<td class="hl t-unclear" data-label="keeps the loop free\?"><a href="#req-ping-p99-reference" title="[^"]*: not met"><b class="hl-word">unclear<\/b><span class="hl-value">p99 10\.4 ms · control 2\.3 ms<\/span><\/a><\/td>/)
    expect(html).toContain('<tr id="req-ping-p99-reference" class="met">')
    expect(html).toMatch(/<a href="#startup-memory" title="this run has no start-up phase"><b class="hl-word">not measured<\/b>/)
  })
  it('renders the conformance matrix with a clickable cell per target and case', () => {
    expect(html).toContain('data-case="express|blocking.sync-parallel"')
    expect(html).toMatch(/class="v v-FAIL"/)
  })
  it('collapses the matrix to the cases some target did not pass, with a control that shows all of them', () => {
    const one = renderHtml({ ...fixture, targets: fixture.targets.filter((t) => t.name === 'reference') })
    expect(one.match(/<tr class="all-pass">/g)).toHaveLength(2) // coercion.sync.dict and blocking.sync-parallel: PASS
    expect(one).toMatch(/<tr><td class="id">thread-safety\.unsafe-counter<\/td>/) // INFO stays in view
    expect(one).toContain('1 of 3 cases where some target did not pass; the 2 every target passed are hidden.')
    expect(one).toContain('<input type="checkbox" id="conf-all" class="conf-toggle"><label for="conf-all" class="conf-toggle-label">show all 3 cases</label>')
    expect(one).toContain('#conf-all:not(:checked)~.matrix tr.all-pass{display:none}')
    // every case has a target that did not pass it: nothing hidden, and no control that would do nothing
    expect(html).toContain('All 3 cases, each with a target that did not pass it.')
    expect(html).not.toContain('id="conf-all"')
  })
  it('shows a start-up entry in its section and idle memory in the memory chart', () => {
    const startup: BenchResults['startup'] = [
      { state: 'ok', target: 'reference', samples: [{ round: 1, healthyMs: 1150, idleRssBytes: 300 * 2 ** 20, threads: 28 }, { round: 2, healthyMs: 1250, idleRssBytes: 310 * 2 ** 20, threads: 30 }], median: { healthyMs: 1200, idleRssBytes: 305 * 2 ** 20 }, peakRssBytes: 1000 * 2 ** 20 },
      { state: 'errored', target: 'express', error: `no /health ${HOSTILE}` },
    ]
    const page = renderHtml({ ...fixture, startup })
    expect(page).toContain('<tr><td class="title">reference</td><td class="num" data-label="to healthy, ms: median [min–max]" title="round 1: 1,150 ms, 300 MiB; round 2: 1,250 ms, 310 MiB">1,200 [1,150–1,250]</td><td class="num" data-label="idle RSS">305 MiB</td><td class="num" data-label="peak RSS under load">1,000 MiB</td><td class="num" data-label="CPU to start, s">—</td><td class="num" data-label="threads idle">29</td><td class="num" data-label="starts">2</td></tr>')
    expect(page).toContain('<b class="hl-word">1.2 s</b><span class="hl-value">305 MiB idle · 1,000 MiB peak</span>')
    expect(page).toContain('<tr class="bad"><td class="title">express</td><td colspan="6">errored: no /health &lt;script&gt;')
    expect(pageData({ ...fixture, startup }).memory).toContainEqual({ target: 'reference', peakMib: 1000, idleMib: 305 })
  })
  it('marks verdicts with characters every font has, not emoji', () => {
    expect(html).toContain('<td data-label="verdict" class="verdict">✓ met</td>')
    expect(html).not.toMatch(/✅|❌|❔/)
  })
  it('never lets target content become markup or script', () => {
    expect(html).not.toContain('<script>window.__pwned')
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;')
    const json = embedJson({ s: HOSTILE, t: '</script><b>' })
    expect(json).not.toMatch(/[<>&]/)
    expect(JSON.parse(json)).toEqual({ s: HOSTILE, t: '</script><b>' })
  })
})

describe('conformance.junit.xml', () => {
  it('one file with a testsuite per target and suite; parses as XML', () => {
    const [file] = junitRenderer.render(fixture) as { name: string; content: string }[]
    expect(file?.name).toBe('conformance.junit.xml')
    const doc = convert(file?.content ?? '', { format: 'object' }) as unknown as { testsuites: { '@failures': string; testsuite: { '@name': string }[] } }
    const names = doc.testsuites.testsuite.map((s) => s['@name'])
    expect(names).toEqual(expect.arrayContaining(['reference · coercion', 'express · blocking', 'hostile · coercion']))
    expect(doc.testsuites['@failures']).toBe('3') // express FAIL, hostile FAIL and ERROR
    expect(file?.content).not.toContain('<script>')
  })
})
