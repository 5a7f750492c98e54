/**
 * The report as a reader sees it: headless Chromium (Debian's, driven by playwright-core) opens
 * index.html from disk — no console errors, no network, every chart drawn, hostile target content
 * inert — and a screenshot is saved next to the report. .ci/run installs chromium; without it the
 * test is skipped locally and fails under CI.
 */
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { checkReport, chromiumAvailable } from '../harness/browser-check.ts'
import { renderAll } from '../reports/render.ts'
import { fixture } from './fixtures/results-fixture.ts'

// Only under CI: a developer machine may lack Chromium (the test below is then skipped), but CI must not.
it.runIf(process.env.CI)('CI has chromium (.ci/run installs it)', () => {
  expect(chromiumAvailable()).toBe(true)
})

it.skipIf(!chromiumAvailable())('index.html opens offline, draws every chart, and keeps hostile content inert', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'unblocked-report-'))
  await renderAll(fixture, dir)
  // The fixture's hostile target sent <script>/onerror payloads that would set window.__pwned.
  const result = await checkReport(join(dir, 'index.html'), join(dir, 'index.png'), 'typeof window.__pwned')
  expect(result.consoleErrors).toEqual([])
  expect(result.failedRequests).toEqual([])
  expect(result.canvases.length).toBeGreaterThanOrEqual(11)
  expect(result.canvases.filter((c) => c.drawnPixels === 0).map((c) => c.id)).toEqual([])
  expect(existsSync(join(dir, 'index.png'))).toBe(true)
  expect(result.probe).toBe('undefined')
}, 60_000)
