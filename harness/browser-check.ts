/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Open a rendered report in headless Chromium (playwright-core driving Debian's chromium) from
 * disk, at a desktop and at a phone width, and check what a reader would see: no console errors,
 * no failed requests (the page must be self-contained), every chart canvas drawn (non-blank
 * pixels), the page no wider than the phone's screen, and no two axis labels of a chart drawn over
 * each other. Saves a full-page screenshot of each width.
 */
import { existsSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import type { Browser, BrowserType, Page } from 'playwright-core'
import { UsageError } from './usage-error.ts'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export interface Viewport {
  readonly name: string
  readonly width: number
  readonly height: number
  /** A phone: the meta viewport applies and touch is on, as on a real one. */
  readonly mobile: boolean
}

/** A laptop and a common phone (390 × 844 CSS px, an iPhone 12–15). */
export const VIEWPORTS: readonly Viewport[] = [
  { name: 'desktop', width: 1280, height: 900, mobile: false },
  { name: 'phone', width: 390, height: 844, mobile: true },
]

export interface ViewCheck {
  readonly viewport: Viewport
  readonly canvases: { id: string; drawnPixels: number }[]
  /** The page is wider than the viewport (a reader must scroll sideways): how wide, and what sticks out. */
  readonly overflow?: { pageWidth: number; offenders: string[] }
  /** Axis labels of one chart drawn over each other, each as "chart/axis: 'a' over 'b'". */
  readonly tickOverlaps: string[]
  readonly screenshot: string
}

export interface ReportCheck {
  consoleErrors: string[]
  failedRequests: string[]
  views: ViewCheck[]
  /** The first screen at desktop width, when asked for (the README's picture). */
  top?: string
  /** The value of `probe`, when one was given. */
  probe?: unknown
}

export interface CheckOptions {
  /** Where each viewport's full-page screenshot goes. */
  readonly screenshot: (view: Viewport) => string
  /** Also save the top of the desktop page, down to the end of the element `until` (a CSS selector), here. */
  readonly top?: { readonly path: string; readonly until: string }
  /** An expression evaluated in the desktop page after it loaded (tests use it to look for injected script). */
  readonly probe?: string
  /** @default VIEWPORTS */
  readonly viewports?: readonly Viewport[]
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

/** What the page shows, measured inside it. Runs in the browser: it may use only its argument and the DOM. */
function inspectPage(): { canvases: ViewCheck['canvases']; overflow: ViewCheck['overflow']; tickOverlaps: string[] } {
  const canvases = [...document.querySelectorAll('canvas')].map((c) => {
    const ctx = c.getContext('2d')
    let drawn = 0
    if (ctx && c.width > 0 && c.height > 0) {
      const px = ctx.getImageData(0, 0, c.width, c.height).data
      for (let i = 3; i < px.length; i += 4) if ((px[i] ?? 0) > 0) drawn++
    }
    return { id: c.id, drawnPixels: drawn }
  })

  // Sideways overflow: what reaches past the viewport's right edge outside any element that scrolls
  // (a wide table inside a scroller is fine; it is the page that must not grow).
  const vw = document.documentElement.clientWidth
  const pageWidth = document.documentElement.scrollWidth
  let overflow: ViewCheck['overflow']
  if (pageWidth > vw) {
    // No named helper functions in here: a TypeScript loader may wrap them in calls the page lacks.
    const offenders = [...document.body.querySelectorAll('*')]
      .filter((el) => {
        if (el.getBoundingClientRect().right <= vw + 1) return false
        for (let e = el.parentElement; e !== null && e !== document.body; e = e.parentElement) if (/(auto|scroll|hidden)/.test(getComputedStyle(e).overflowX)) return false
        return true
      })
      .slice(0, 5)
      .map((el) => `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length > 0 ? `.${[...el.classList].join('.')}` : ''}> ${Math.round(el.getBoundingClientRect().right)} px: ${(el.textContent ?? '').trim().slice(0, 40)}`)
    overflow = { pageWidth, offenders }
  }

  // Axis labels: chart.js lays each scale's labels out (getLabelItems: position, rotation, alignment,
  // font); two labels of one scale overlap when their text boxes intersect. All labels of a scale
  // share one rotation, so in the frame of that rotation every box is axis-aligned.
  interface LabelItem { label: string | string[]; font: { string: string; size: number; lineHeight: number }; textOffset: number; options: { rotation: number; textAlign: string; textBaseline: string; translation: [number, number] } }
  interface Scale { id: string; options: { display?: unknown; ticks?: { display?: boolean } }; getLabelItems?: () => LabelItem[] }
  interface ChartLike { canvas: HTMLCanvasElement; scales: Record<string, Scale> }
  const chartGlobal = (window as unknown as { Chart?: { instances?: Record<string, ChartLike> } }).Chart
  const measure = document.createElement('canvas').getContext('2d')
  const tickOverlaps: string[] = []
  for (const chart of Object.values(chartGlobal?.instances ?? {})) {
    for (const scale of Object.values(chart.scales)) {
      if (scale.options.display === false || scale.options.ticks?.display === false || typeof scale.getLabelItems !== 'function') continue
      const boxes = scale.getLabelItems().flatMap((item) => {
        const lines = (Array.isArray(item.label) ? item.label : [item.label]).map(String)
        if (lines.every((l) => l.trim() === '') || measure === null) return []
        measure.font = item.font.string
        const w = Math.max(...lines.map((l) => measure.measureText(l).width))
        const o = item.options
        const x0 = o.textAlign === 'right' ? -w : o.textAlign === 'center' ? -w / 2 : 0
        const size = item.font.size
        const first = item.textOffset + (o.textBaseline === 'top' ? 0 : o.textBaseline === 'bottom' ? -size : -size / 2)
        return [{ text: lines.join(' '), rotation: o.rotation, at: o.translation, x0, x1: x0 + w, y0: first, y1: first + size + (lines.length - 1) * item.font.lineHeight }]
      })
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]
          const b = boxes[j]
          if (a === undefined || b === undefined) continue
          const dx = b.at[0] - a.at[0]
          const dy = b.at[1] - a.at[1]
          // b's origin in a's rotated frame (rotation by −θ).
          const u = dx * Math.cos(a.rotation) + dy * Math.sin(a.rotation)
          const v = -dx * Math.sin(a.rotation) + dy * Math.cos(a.rotation)
          const across = Math.min(a.x1, u + b.x1) - Math.max(a.x0, u + b.x0)
          const down = Math.min(a.y1, v + b.y1) - Math.max(a.y0, v + b.y0)
          // More than a pixel each way: glyph boxes that merely touch are not drawn over each other.
          if (across > 1 && down > 1) tickOverlaps.push(`${chart.canvas.id || 'chart'}/${scale.id}: '${a.text}' over '${b.text}'`)
        }
      }
    }
  }
  return { canvases, overflow, tickOverlaps }
}

async function checkView(browser: Browser, url: string, view: Viewport, o: CheckOptions, errors: { console: string[]; requests: string[] }): Promise<{ view: ViewCheck; page: Page }> {
  const context = await browser.newContext({ viewport: { width: view.width, height: view.height }, deviceScaleFactor: 1, isMobile: view.mobile, hasTouch: view.mobile })
  const page = await context.newPage()
  const tag = (s: string): string => `[${view.name}] ${s}`
  page.on('console', (m) => {
    if (m.type() === 'error') errors.console.push(tag(m.text()))
  })
  page.on('pageerror', (err) => errors.console.push(tag(err.message)))
  page.on('request', (req) => {
    if (!req.url().startsWith('file:') && !req.url().startsWith('data:')) errors.requests.push(tag(`network request: ${req.url()}`))
  })
  page.on('requestfailed', (req) => errors.requests.push(tag(`${req.url()}: ${req.failure()?.errorText ?? 'failed'}`)))
  await page.goto(url, { waitUntil: 'load' })
  await page.waitForFunction(() => document.body.hasAttribute('data-charts-ready'), undefined, { timeout: 15_000 })
  const seen = await page.evaluate(inspectPage)
  const screenshot = o.screenshot(view)
  await page.screenshot({ path: screenshot, fullPage: true })
  return { view: { viewport: view, canvases: seen.canvases, ...(seen.overflow !== undefined && { overflow: seen.overflow }), tickOverlaps: seen.tickOverlaps, screenshot }, page }
}

export async function checkReport(htmlPath: string, o: CheckOptions): Promise<ReportCheck> {
  if (!chromiumAvailable()) throw new UsageError(`no Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`)
  const chromium = await loadChromium()
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  })
  try {
    const url = pathToFileURL(htmlPath).href
    const errors = { console: [] as string[], requests: [] as string[] }
    const views: ViewCheck[] = []
    let top: string | undefined
    let probed: unknown
    for (const [i, viewport] of (o.viewports ?? VIEWPORTS).entries()) {
      const { view, page } = await checkView(browser, url, viewport, o, errors)
      views.push(view)
      if (i === 0) {
        if (o.top !== undefined) {
          const box = await page.locator(o.top.until).first().boundingBox()
          if (box === null) throw new Error(`the page has no ${o.top.until} to end its first screen at`)
          // Page coordinates at scroll 0; a little space below the element so its last line is not cut.
          await page.screenshot({ path: o.top.path, fullPage: true, clip: { x: 0, y: 0, width: viewport.width, height: Math.ceil(box.y + box.height + 12) } })
          top = o.top.path
        }
        if (o.probe !== undefined) probed = await page.evaluate(o.probe)
      }
      await page.context().close()
    }
    return { consoleErrors: errors.console, failedRequests: errors.requests, views, ...(top !== undefined && { top }), ...(o.probe !== undefined && { probe: probed }) }
  } finally {
    await browser.close()
  }
}

/** Everything that makes a check fail, one line each; empty when the page passed. */
export function problemsOf(r: ReportCheck): string[] {
  const perView = r.views.flatMap((v) => [
    ...(v.canvases.length === 0 ? [`[${v.viewport.name}] no chart on the page`] : []),
    ...v.canvases.filter((c) => c.drawnPixels === 0).map((c) => `[${v.viewport.name}] blank chart: ${c.id}`),
    ...(v.overflow === undefined ? [] : [`[${v.viewport.name}] the page is ${v.overflow.pageWidth} px wide in a ${v.viewport.width} px viewport: ${v.overflow.offenders.join('; ') || 'nothing in particular'}`]),
    ...v.tickOverlaps.map((t) => `[${v.viewport.name}] axis labels overlap: ${t}`),
  ])
  return [...r.consoleErrors, ...r.failedRequests, ...perView]
}
