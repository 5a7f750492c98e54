/**
 * The report as a reader sees it: headless Chromium (Debian's, driven by playwright-core) opens
 * index.html from disk at desktop and phone widths — no console errors, no network, every chart
 * drawn, the page no wider than a phone, no axis labels over each other, hostile target content
 * inert — and a screenshot of each width is saved next to the report. .ci/run installs chromium;
 * without it the tests are skipped locally and fail under CI.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { PassThrough } from 'node:stream'
import { expect, it } from 'vitest'
import { checkReport, chromiumAvailable, problemsOf, VIEWPORTS } from '../harness/browser-check.ts'
import { checkReportCommand } from '../harness/check-report-command.ts'
import { renderAll } from '../reports/render.ts'
import { fixture } from './fixtures/results-fixture.ts'

// Only under CI: a developer machine may lack Chromium (the tests below are then skipped), but CI must not.
it.runIf(process.env.CI)('CI has chromium (.ci/run installs it)', () => {
  expect(chromiumAvailable()).toBe(true)
})

it.skipIf(!chromiumAvailable())('index.html opens offline at desktop and phone widths, draws every chart, fits the phone, and keeps hostile content inert', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'unblocked-report-'))
  await renderAll(fixture, dir)
  // The fixture's hostile target sent <script>/onerror payloads that would set window.__pwned.
  const result = await checkReport(join(dir, 'index.html'), { screenshot: (v) => join(dir, `shot-${v.name}.png`), top: { path: join(dir, 'top.png'), until: '#pings' }, probe: 'typeof window.__pwned' })
  expect(result.consoleErrors).toEqual([])
  expect(result.failedRequests).toEqual([])
  expect(result.views.map((v) => v.viewport.name)).toEqual(['desktop', 'phone'])
  for (const v of result.views) {
    expect(v.canvases.length).toBeGreaterThanOrEqual(11)
    expect(v.canvases.filter((c) => c.drawnPixels === 0).map((c) => c.id)).toEqual([])
    expect(v.overflow).toBeUndefined()
    expect(v.tickOverlaps).toEqual([])
    expect(existsSync(v.screenshot)).toBe(true)
  }
  expect(problemsOf(result)).toEqual([])
  expect(result.top).toBe(join(dir, 'top.png'))
  expect(existsSync(join(dir, 'top.png'))).toBe(true)
  expect(result.probe).toBe('undefined')
}, 90_000)

// CI's quick run once drew io-wait-async's latencies all between 15 and 21 ms: the log axis then had no two
// 1-2-5 ticks and fell back to chart.js's 15.2, 15.4, … drawn over each other. Each latency chart gets an
// awkward range here: inside one 1-2-5 step, crossing none, all equal, below a millisecond.
it.skipIf(!chromiumAvailable())('log axes keep their labels apart whatever range the data spans', async () => {
  const ranges: Record<string, [number, number]> = { 'json-async': [15.2, 20.5], 'ping-under-sync-blocking': [21, 23], 'cpu-sync': [7, 7], 'counter-contention': [0.013, 0.019] }
  const results = structuredClone(fixture)
  for (const cell of results.cells) {
    const range = ranges[cell.scenario]
    if (!('median' in cell) || !cell.median || !range) continue
    const [lo, hi] = range
    const at = (f: number): number => lo + (hi - lo) * f
    Object.assign(cell.median, { closedLoop: { p50: lo, p90: at(0.3), p99: at(0.7), p999: at(0.9), max: hi, mean: at(0.2) } })
  }
  const dir = mkdtempSync(join(tmpdir(), 'unblocked-report-'))
  await renderAll(results, dir)
  const result = await checkReport(join(dir, 'index.html'), { screenshot: (v) => join(dir, `shot-${v.name}.png`) })
  for (const v of result.views) expect(v.tickOverlaps).toEqual([])
  expect(problemsOf(result)).toEqual([])
}, 90_000)

it.skipIf(!chromiumAvailable())('finds what a reader would trip over: a blank chart, a page wider than the phone, axis labels drawn over each other', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'unblocked-report-'))
  const chartJs = readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8')
  // Twelve long names on a 300 px axis that may neither skip nor turn them: they must collide.
  const labels = JSON.stringify(Array.from({ length: 12 }, (_, i) => `a rather long target name ${i}`))
  const page = `<!doctype html><html><head><meta name="viewport" content="width=device-width,initial-scale=1"></head><body>
<div style="width:800px">a table too wide for a phone</div>
<div style="width:300px;height:200px"><canvas id="crowded"></canvas></div><canvas id="never-drawn"></canvas>
<script>${chartJs}</script>
<script>
new Chart(document.getElementById('crowded'), { type: 'bar', data: { labels: ${labels}, datasets: [{ data: ${JSON.stringify(Array.from({ length: 12 }, (_, i) => i + 1))} }] }, options: { animation: false, maintainAspectRatio: false, scales: { x: { ticks: { autoSkip: false, maxRotation: 0 } } } } })
document.body.setAttribute('data-charts-ready', '1')
</script></body></html>`
  writeFileSync(join(dir, 'bad.html'), page)
  const phone = VIEWPORTS.filter((v) => v.name === 'phone')
  const result = await checkReport(join(dir, 'bad.html'), { screenshot: (v) => join(dir, `${v.name}.png`), viewports: phone })
  const [view] = result.views
  expect(view?.canvases.find((c) => c.id === 'never-drawn')?.drawnPixels).toBe(0)
  expect(view?.overflow?.pageWidth).toBeGreaterThanOrEqual(800)
  expect(view?.overflow?.offenders.join('\n')).toContain('a table too wide for a phone')
  expect(view?.tickOverlaps.length).toBeGreaterThan(0)
  expect(view?.tickOverlaps[0]).toMatch(/^crowded\/x: 'a rather long target name \d+' over 'a rather long target name \d+'$/)
  const problems = problemsOf(result)
  expect(problems).toContain('[phone] blank chart: never-drawn')
  expect(problems.some((p) => p.startsWith('[phone] the page is '))).toBe(true)
  expect(problems.some((p) => p.startsWith('[phone] axis labels overlap: crowded/x:'))).toBe(true)
}, 60_000)

it.skipIf(!chromiumAvailable())('check-report saves index.png (desktop, as before), index-phone.png and index-top.png beside the page and exits 0 on a sound report', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'unblocked-report-'))
  await renderAll(fixture, dir)
  const out = new PassThrough()
  let text = ''
  out.on('data', (d: Buffer) => (text += d.toString()))
  expect(await checkReportCommand(join(dir, 'index.html'), out)).toBe(0)
  for (const name of ['index.png', 'index-phone.png', 'index-top.png']) expect(existsSync(join(dir, name))).toBe(true)
  expect(text).toMatch(/^desktop 1280×900: \d+ charts, 0 blank, no sideways overflow, 0 overlapping axis labels; screenshot .*index\.png$/m)
  expect(text).toMatch(/^phone 390×844: \d+ charts, 0 blank, no sideways overflow, 0 overlapping axis labels; screenshot .*index-phone\.png$/m)
}, 90_000)
