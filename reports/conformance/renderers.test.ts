import { convert } from 'xmlbuilder2'
import { describe, expect, it } from 'vitest'
import type { CaseResult, ConformanceReport } from '../../scenarios/types.ts'
import { escapeMarkdownCell, visibleControls } from '../escape.ts'
import { renderJson } from './json.ts'
import { renderJunit } from './junit.ts'
import { renderMarkdown } from './markdown.ts'
import { TerminalReporter } from './terminal.ts'

const HOSTILE = '<script>alert("x")</script> | **b** [l](javascript:alert(1)) ]]></failure>\u0007'

const c = (id: string, verdict: CaseResult['verdict'], extra: Partial<CaseResult> = {}): CaseResult => ({
  id, suite: id.split('.')[0] as CaseResult['suite'], level: 'MUST', description: id, verdict, reason: verdict === 'PASS' ? '' : `reason of ${id}`, durationMs: 12, ...extra,
})

const report: ConformanceReport = {
  contract: 'v1',
  target: { url: 'http://127.0.0.1:9', name: 'fixture' },
  startedAt: '2026-11-21T00:00:00.000Z',
  durationMs: 1234,
  environment: { node: 'v20.0.0' },
  settings: { timeoutMs: 5000 },
  cases: [
    c('coercion.sync.dict', 'PASS'),
    c('coercion.sync.str', 'FAIL', { reason: `body ${HOSTILE}`, expected: { status: 200, body: 'hello' }, actual: { status: 200, body: HOSTILE, headers: { 'x-evil': HOSTILE } } }),
    c('extraction.sync.path-invalid', 'WARN'),
    c('thread-safety.unsafe-counter', 'INFO', { level: 'INFO', data: { lostUpdates: 3 } }),
    c('blocking.diagnostics', 'UNIMPLEMENTED', { level: 'SHOULD' }),
    c('blocking.sync-parallel', 'ERROR', { reason: 'connection refused' }),
  ],
  counts: { PASS: 1, FAIL: 1, WARN: 1, INFO: 1, UNIMPLEMENTED: 1, ERROR: 1 },
}

describe('JUnit', () => {
  type Node = Record<string, unknown>
  const parse = (xml: string) => convert(xml, { format: 'object' }) as unknown as { testsuites: Node & { testsuite: (Node & { testcase: Node | Node[] })[] } }
  const cases = (xml: string) => parse(xml).testsuites.testsuite.flatMap((s) => (Array.isArray(s.testcase) ? s.testcase : [s.testcase]))

  it('FAIL and ERROR are failures; INFO and UNIMPLEMENTED are skipped; WARN passes unless strict', () => {
    const xml = renderJunit(report)
    const root = parse(xml).testsuites
    expect(root['@tests']).toBe('6')
    expect(root['@failures']).toBe('2')
    expect(root['@skipped']).toBe('2')
    const byName = Object.fromEntries(cases(xml).map((t) => [String(t['@name']).split(' ')[0], t]))
    expect(byName['coercion.sync.str']).toHaveProperty('failure')
    expect(byName['blocking.sync-parallel']).toHaveProperty('failure')
    expect(byName['thread-safety.unsafe-counter']).toHaveProperty('skipped')
    expect(byName['extraction.sync.path-invalid']).not.toHaveProperty('failure')
    expect(parse(renderJunit(report, { strict: true })).testsuites['@failures']).toBe('3')
  })

  it('classnames never carry the target URL: unblocked.<suite> without a name, unblocked.<name>.<suite> with one', () => {
    const unnamed: ConformanceReport = { ...report, target: { url: 'http://127.0.0.1:39121' } }
    const classnames = (r: ConformanceReport, name?: string) => [...new Set(cases(renderJunit(r, name === undefined ? {} : { name })).map((t) => String(t['@classname'])))]
    expect(classnames(unnamed)).toEqual(['unblocked.coercion', 'unblocked.extraction', 'unblocked.thread-safety', 'unblocked.blocking'])
    expect(classnames(report)).toEqual(['unblocked.fixture.coercion', 'unblocked.fixture.extraction', 'unblocked.fixture.thread-safety', 'unblocked.fixture.blocking'])
    // A name that is a URL is no name; one with dots or spaces becomes one segment.
    expect(classnames(unnamed, 'http://127.0.0.1:39121')[0]).toBe('unblocked.coercion')
    expect(classnames(unnamed, 'my app v1.2')[0]).toBe('unblocked.my_app_v1_2.coercion')
    const xml = renderJunit(unnamed)
    expect(cases(xml).every((t) => !String(t['@classname']).includes('127.0.0.1'))).toBe(true)
    // The URL still says where the run went, in the suites' names.
    expect(parse(xml).testsuites['@name']).toBe('unblocked conformance v1: http://127.0.0.1:39121')
    expect(parse(xml).testsuites.testsuite[0]?.['@name']).toBe('http://127.0.0.1:39121 · coercion')
  })

  it('hostile target content stays text: the XML parses and carries it escaped', () => {
    const xml = renderJunit(report)
    expect(xml).not.toContain('<script>')
    expect(xml).not.toContain('\u0007')
    // xmlbuilder2's object form keeps entities as written; decoding them gives back the target's text.
    const failing = cases(xml).find((t) => String(t['@name']).startsWith('coercion.sync.str')) as { failure: Record<string, string> }
    const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&')
    expect(decode(failing.failure['@message'] as string)).toContain('<script>alert("x")</script>')
  })
})

describe('Markdown', () => {
  const md = renderMarkdown(report)
  it('counts and the non-passing cases with expected and actual', () => {
    expect(md).toContain('| 1 | 1 | 1 | 1 | 1 | 1 |')
    expect(md).toMatch(/\| `coercion\.sync\.str` \| MUST \| ❌ FAIL \|/)
    expect(md).not.toMatch(/\| `coercion\.sync\.dict` \| MUST \| ✅ PASS \| reason/)
  })
  it('escapes markup, links and table pipes from the target', () => {
    expect(md).not.toContain('<script>')
    expect(md).not.toContain('[l](javascript')
    expect(md).toContain('&lt;script&gt;')
    const rows = md.split('\n').filter((l) => l.startsWith('| `coercion.sync.str`') && l.includes('&lt;script'))
    expect(rows).toHaveLength(1)
    for (const line of rows) {
      expect(line.split(/(?<!\\)\|/).length).toBe(8) // 6 cells: no pipe from the target split a cell
    }
  })
})

it('JSON is the report itself', () => {
  expect(JSON.parse(renderJson(report))).toEqual(report)
})

it('the terminal reporter prints a line per case and explains failures', () => {
  let text = ''
  const sink = { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream
  const t = new TerminalReporter(sink, false)
  report.cases.forEach((r, i) => t.onCaseEnd(r, i, report.cases.length))
  t.onFinish(report)
  expect(text).toContain('[1/6] PASS          coercion.sync.dict 12 ms')
  expect(text).toContain('1 PASS, 1 FAIL, 1 WARN, 1 INFO, 1 UNIMPLEMENTED, 1 ERROR')
  expect(text).toMatch(/Explained:[\s\S]*FAIL coercion\.sync\.str/)
})

it('the terminal reporter gives cases not run one line per reason, in the progress and the explanation', () => {
  let text = ''
  const t = new TerminalReporter({ write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream, false)
  const interrupted = 'not run: the run was interrupted'
  const cases = [
    c('coercion.sync.dict', 'PASS'),
    c('coercion.sync.str', 'ERROR', { reason: 'interrupted: GET http://127.0.0.1:9/coerce/sync/str' }),
    ...['coercion.sync.int', 'coercion.sync.list', 'coercion.sync.bool', 'coercion.sync.none', 'coercion.sync.bytes'].map((id) => c(id, 'ERROR', { reason: interrupted, durationMs: 0 })),
  ]
  const run: ConformanceReport = { ...report, cases, counts: { PASS: 1, FAIL: 0, WARN: 0, INFO: 0, UNIMPLEMENTED: 0, ERROR: 6 } }
  cases.forEach((r, i) => t.onCaseEnd(r, i, cases.length))
  t.onFinish(run)
  const lines = text.split('\n')
  expect(lines.filter((l) => l.startsWith('['))).toEqual([
    '[1/7] PASS          coercion.sync.dict 12 ms',
    '[2/7] ERROR         coercion.sync.str 12 ms  interrupted: GET http://127.0.0.1:9/coerce/sync/str',
    `[3–7/7] ERROR         5 cases ${interrupted}`,
  ])
  expect(text).toContain(`\n  ERROR 5 cases — coercion.sync.int, coercion.sync.list, coercion.sync.bool, and 2 more\n    ${interrupted}\n`)
  expect(lines.filter((l) => l.includes(interrupted))).toHaveLength(2)
  expect(text).toContain('ERROR coercion.sync.str [MUST]')
})

describe('an unstable case (a timing case whose attempts disagreed) is shown in every output', () => {
  const attempts = [
    { verdict: 'FAIL', reason: 'pings waited up to 124 ms (bound 100 ms) while 4 × GET /block/sync?ms=400 ran', worstPingMs: 124, durationMs: 700 },
    { verdict: 'PASS', reason: '', worstPingMs: 14, durationMs: 690 },
  ]
  const flaky = c('blocking.cpu-sync', 'PASS', { data: { worstPingMs: 14, attempts }, durationMs: 1390, unstable: true })
  const withFlaky: ConformanceReport = { ...report, cases: [c('coercion.sync.dict', 'PASS'), flaky], counts: { PASS: 2, FAIL: 0, WARN: 0, INFO: 0, UNIMPLEMENTED: 0, ERROR: 0 } }
  const note = 'unstable: 1 of 2 attempts failed: pings waited up to 124 ms (bound 100 ms) while 4 × GET /block/sync?ms=400 ran'

  it('terminal: on its line and in the summary, with each attempt', () => {
    let text = ''
    const t = new TerminalReporter({ write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream, false)
    withFlaky.cases.forEach((r, i) => t.onCaseEnd(r, i, 2))
    t.onFinish(withFlaky)
    expect(text).toContain(`[2/2] PASS          blocking.cpu-sync 1390 ms  (${note})`)
    expect(text).toContain('2 PASS (1 unstable)')
    expect(text).toContain('attempt 1/2: FAIL pings waited up to 124 ms')
    expect(text).not.toContain('Explained:')
  })

  it('Markdown: an Unstable section, and the mark in the table of all cases', () => {
    const md = renderMarkdown(withFlaky)
    expect(md).toContain('### Unstable')
    expect(md).toContain('| `blocking.cpu-sync` | MUST | ✅ PASS (unstable) | 1390 |')
    expect(md).toContain('unstable: 1 of 2 attempts failed: pings waited up to 124 ms \\(bound 100 ms\\) while 4 × GET /block/sync?ms=400 ran')
  })

  it('JUnit: a pass with the properties unstable and attempts, and the attempts in system-out', () => {
    const xml = renderJunit(withFlaky)
    expect(xml).toContain('<property name="unstable" value="true"/>')
    expect(xml).toContain('<property name="attempts" value="2"/>')
    expect(xml).toMatch(/<system-out>unstable: 1 of 2 attempts failed: [^<]*\nattempt 1\/2: FAIL pings waited up to 124 ms/)
    expect(xml).not.toContain('<failure')
  })

  it('JSON: the flag and the attempts', () => {
    const json = JSON.parse(renderJson(withFlaky)) as ConformanceReport
    expect(json.cases[1]).toMatchObject({ unstable: true, data: { attempts } })
  })
})

describe('contract v2: its version and its suites in every output', () => {
  const v2: ConformanceReport = {
    ...report,
    contract: 'v2',
    cases: [c('coercion.sync.dict', 'PASS'), c('context.sync.request-id', 'FAIL'), c('background.sync-task', 'PASS'), c('cancellation.sync.client-abort', 'INFO', { level: 'INFO' })],
    counts: { PASS: 2, FAIL: 1, WARN: 0, INFO: 1, UNIMPLEMENTED: 0, ERROR: 0 },
  }

  it('JUnit: a testsuite per v2 suite, and the version in the name', () => {
    const xml = renderJunit(v2)
    const doc = convert(xml, { format: 'object' }) as unknown as { testsuites: { '@name': string; testsuite: { '@name': string }[] } }
    expect(doc.testsuites['@name']).toBe('unblocked conformance v2: fixture')
    expect(doc.testsuites.testsuite.map((s) => s['@name'])).toEqual(['fixture · coercion', 'fixture · context', 'fixture · background', 'fixture · cancellation'])
  })

  it('Markdown and terminal name the contract that ran', () => {
    expect(renderMarkdown(v2)).toContain('## unblocked conformance v2: fixture')
    expect(renderMarkdown(report)).toContain('## unblocked conformance v1: fixture')
    let text = ''
    const t = new TerminalReporter({ write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream, false)
    t.onStart('http://127.0.0.1:9', 4, 'v1')
    t.onStart('http://127.0.0.1:9', 4, 'v2', 90_500)
    expect(text).toBe('unblocked conformance v1 → http://127.0.0.1:9 (4 cases)\nunblocked conformance v2 → http://127.0.0.1:9 (4 cases, deadline 91 s)\n')
  })
})

describe('control characters from the target are shown, never obeyed (issue 14)', () => {
  // What a target once sent to redraw its FAIL line as a PASS: CR, ESC sequences, C1 CSI and NEL,
  // a line separator, a bidi override. A report read back from a file is not checked: the renderers
  // must hold even for a reason that never went through oneLine.
  const FORGED = '\r[1/6] PASS coercion.sync.str\n\u001b[1A\u001b[2K\u009b1A\u0085\u2028\u202e\u0007end'
  const forged: ConformanceReport = {
    ...report,
    target: { url: 'http://127.0.0.1:9', name: `evil\r${FORGED}`, server: FORGED },
    cases: [c('coercion.sync.str', 'FAIL', { reason: FORGED, actual: { status: 200, body: FORGED, headers: { 'content-type': FORGED } }, data: { attempts: [{ verdict: 'FAIL', reason: FORGED, durationMs: 1 }] }, unstable: true })],
    counts: { PASS: 0, FAIL: 1, WARN: 0, INFO: 0, UNIMPLEMENTED: 0, ERROR: 0 },
  }
  // Everything but LF (our own line breaks): C0, DEL, C1, the separators, the bidi controls.
  const RAW = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/

  it('terminal: every line, the explanation and the attempts show escapes instead', () => {
    let text = ''
    const t = new TerminalReporter({ write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream, false)
    t.onStart(forged.target.name as string, 1)
    forged.cases.forEach((r, i) => t.onCaseEnd(r, i, 1))
    t.onFinish(forged)
    expect(text).not.toMatch(RAW)
    expect(text).toContain('[1/1] FAIL          coercion.sync.str 12 ms  \\u000d[1/6] PASS coercion.sync.str\\u000a\\u001b[1A\\u001b[2K\\u009b1A\\u0085\\u2028\\u202e\\u0007end')
    // Each case is one line of its own: the forged PASS is inside the FAIL line, not a line of its own.
    expect(text.split('\n').filter((l) => l.startsWith('[1/'))).toHaveLength(1)
  })

  it('Markdown: no CR at all, line breaks as ⏎, other controls as escapes', () => {
    const md = renderMarkdown(forged)
    expect(md).not.toMatch(RAW)
    expect(md).toContain('⏎')
    expect(md).toContain('\\u001b\\[1A')
    // The table rows stay rows: no line break from the target split one.
    expect(md.split('\n').filter((l) => l.startsWith('| `coercion.sync.str`'))).toHaveLength(3)
  })

  it('visibleControls and escapeMarkdownCell', () => {
    expect(visibleControls('a\r\n\u001b[0m\u009b\u202eb')).toBe('a\\u000d\\u000a\\u001b[0m\\u009b\\u202eb')
    expect(visibleControls('plain ✓ text')).toBe('plain ✓ text')
    expect(escapeMarkdownCell('a\rb\r\nc\nd')).toBe('a ⏎ b ⏎ c ⏎ d')
    expect(escapeMarkdownCell('x'.repeat(250))).toBe(`${'x'.repeat(200)}… 50 bytes more`)
  })
})
