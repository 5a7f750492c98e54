/**
 * `unblocked check-report <index.html>`: the report in headless Chromium at desktop and phone
 * widths (browser-check.ts). Screenshots go beside the page: `index.png` (desktop, the name CI
 * has always kept), `index-phone.png`, and `index-top.png`, the headline and the ping timeline at desktop
 * width (the README's picture). Exit 1 when anything a reader would trip over was found.
 */
import { resolve } from 'node:path'
import type { Viewport } from './browser-check.ts'
import { requireFile } from './read-input.ts'

/** Where `index-top.png` ends: after the headline and the ping timeline, what a reader sees first. */
export const TOP_UNTIL = '#pings'

/** Where the screenshots of `html` go: beside it, named after it. */
export function screenshotPaths(html: string): { view: (v: Viewport) => string; top: string } {
  const base = html.replace(/\.html?$/, '')
  return { view: (v) => (v.name === 'desktop' ? `${base}.png` : `${base}-${v.name}.png`), top: `${base}-top.png` }
}

export async function checkReportCommand(html: string, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const path = resolve(html)
  await requireFile(path)
  // playwright-core is heavy and optional; browser-check.ts loads it only when a report is checked.
  const { checkReport, problemsOf } = await import('./browser-check.ts')
  const shots = screenshotPaths(path)
  const result = await checkReport(path, { screenshot: shots.view, top: { path: shots.top, until: TOP_UNTIL } })
  const problems = problemsOf(result)
  for (const v of result.views) {
    const blank = v.canvases.filter((c) => c.drawnPixels === 0).length
    out.write(`${v.viewport.name} ${v.viewport.width}×${v.viewport.height}: ${v.canvases.length} charts, ${blank} blank, ${v.overflow === undefined ? 'no' : `${v.overflow.pageWidth} px`} sideways overflow, ${v.tickOverlaps.length} overlapping axis labels; screenshot ${v.screenshot}\n`)
  }
  out.write(`${result.consoleErrors.length} console errors, ${result.failedRequests.length} network requests${result.top ? `; first screen ${result.top}` : ''}\n`)
  for (const p of problems) out.write(`  ✗ ${p}\n`)
  return problems.length === 0 ? 0 : 1
}
