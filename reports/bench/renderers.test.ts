import { convert } from 'xmlbuilder2'
import { describe, expect, it } from 'vitest'
import { fixture, HOSTILE } from '../../test/fixtures/results-fixture.ts'
import { embedJson, renderHtml } from './html.ts'
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
    for (const id of ['rps-json-async', 'rps-cpu-sync', 'lat-json-async', 'ping-timeline', 'cpu-scaling', 'memory', 'micro']) expect(html).toContain(`id="${id}"`)
  })
  it('renders the conformance matrix with a clickable cell per target and case', () => {
    expect(html).toContain('data-case="express|blocking.sync-parallel"')
    expect(html).toMatch(/class="v v-FAIL"/)
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
