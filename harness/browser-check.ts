/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Open a rendered report in headless Chromium (playwright-core driving Debian's chromium) from
 * disk, and check what a reader would see: no console errors, no failed requests (the page must
 * be self-contained), and every chart canvas drawn (non-blank pixels). Saves a screenshot.
 */
import { existsSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import type { BrowserType } from 'playwright-core'
import { UsageError } from './usage-error.ts'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export interface ReportCheck {
  consoleErrors: string[]
  failedRequests: string[]
  canvases: { id: string; drawnPixels: number }[]
  screenshot: string
  /** The value of `probe`, when one was given. */
  probe?: unknown
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM)
}

/**
 * playwright-core, loaded only when a report is checked: it is an optional dependency (a user who
 * only runs `conformance` or `bench` need not install it), so its absence is a clear message.
 */
async function loadChromium(): Promise<BrowserType> {
  try {
    return (await import('playwright-core')).chromium
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err
    throw new UsageError('checking a report in a browser needs playwright-core, an optional dependency: npm install playwright-core (and a Chromium at $CHROMIUM_PATH, default /usr/bin/chromium)')
  }
}

/** `probe`: an expression evaluated in the page after it loaded (tests use it to look for injected script). */
export async function checkReport(htmlPath: string, screenshotPath: string, probe?: string): Promise<ReportCheck> {
  if (!chromiumAvailable()) throw new UsageError(`no Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`)
  const chromium = await loadChromium()
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const consoleErrors: string[] = []
    const failedRequests: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text())
    })
    page.on('pageerror', (err) => consoleErrors.push(err.message))
    page.on('request', (req) => {
      if (!req.url().startsWith('file:') && !req.url().startsWith('data:')) failedRequests.push(`network request: ${req.url()}`)
    })
    page.on('requestfailed', (req) => failedRequests.push(`${req.url()}: ${req.failure()?.errorText ?? 'failed'}`))
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' })
    await page.waitForFunction(() => document.body.hasAttribute('data-charts-ready'), undefined, { timeout: 15_000 })
    const canvases = await page.$$eval('canvas', (els) =>
      els.map((el) => {
        const c = el as HTMLCanvasElement
        const ctx = c.getContext('2d')
        let drawn = 0
        if (ctx && c.width > 0 && c.height > 0) {
          const px = ctx.getImageData(0, 0, c.width, c.height).data
          for (let i = 3; i < px.length; i += 4) if ((px[i] ?? 0) > 0) drawn++
        }
        return { id: c.id, drawnPixels: drawn }
      }),
    )
    await page.screenshot({ path: screenshotPath, fullPage: true })
    const probed = probe === undefined ? undefined : await page.evaluate(probe)
    return { consoleErrors, failedRequests, canvases, screenshot: screenshotPath, ...(probe !== undefined && { probe: probed }) }
  } finally {
    await browser.close()
  }
}
