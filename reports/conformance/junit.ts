/**
 * JUnit XML for CI test viewers: one testsuite per suite. FAIL and ERROR are failures; WARN is a
 * failure only in strict mode (otherwise a pass with the warning in system-out); INFO and
 * UNIMPLEMENTED are skipped with their message. An unstable case (its attempts disagreed) has the
 * properties `unstable` and `attempts`, and its attempts in system-out.
 */
import { create } from 'xmlbuilder2'
import { attemptsOf, unstableNote } from '../../scenarios/attempts.ts'
import { SUITES, type CaseResult, type ConformanceReport } from '../../scenarios/types.ts'

function detail(r: CaseResult): string {
  const parts = [r.reason]
  if (r.expected) parts.push(`expected: ${JSON.stringify(r.expected)}`)
  if (r.actual) parts.push(`actual:   ${JSON.stringify(r.actual)}`)
  if (r.data) parts.push(`data:     ${JSON.stringify({ ...r.data, pingTimeline: undefined })}`)
  return parts.join('\n')
}

function attemptLines(r: CaseResult, note: string): string {
  const attempts = attemptsOf(r)
  return [note, ...attempts.map((a, i) => `attempt ${i + 1}/${attempts.length}: ${a.verdict}${a.reason ? ` ${a.reason}` : ''}`)].join('\n')
}

function isFailure(r: CaseResult, strict: boolean): boolean {
  return r.verdict === 'FAIL' || r.verdict === 'ERROR' || (strict && r.verdict === 'WARN')
}

// XML 1.0 cannot carry most control characters even escaped; a hostile target could send them.
const clean = (s: string): string => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')

type XmlNode = ReturnType<typeof create>

/**
 * `unblocked.<name>.<suite>`, or `unblocked.<suite>` without a name: never the target's URL. CI
 * viewers read a classname's dots as a package path, and a `--spawn` target's port is new every
 * run, so a case's history would never line up from one run to the next.
 */
export function classnameOf(suite: string, name: string | undefined): string {
  if (name === undefined || name.trim() === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(name)) return `unblocked.${suite}`
  return `unblocked.${name.trim().replace(/[^A-Za-z0-9_-]+/g, '_')}.${suite}`
}

/**
 * Append a <testsuite> per suite of `report` to `root`; returns the counts added. `name`: the
 * target's name (its URL names the suites when there is none, never the classnames).
 */
export function addSuites(root: XmlNode, report: ConformanceReport, opts: { strict: boolean; name?: string | undefined }): { tests: number; failures: number; skipped: number } {
  const label = opts.name ?? report.target.url
  const totals = { tests: 0, failures: 0, skipped: 0 }
  for (const suite of SUITES) {
    const inSuite = report.cases.filter((r) => r.suite === suite)
    if (inSuite.length === 0) continue
    const failures = inSuite.filter((r) => isFailure(r, opts.strict)).length
    const skipped = inSuite.filter((r) => r.verdict === 'INFO' || r.verdict === 'UNIMPLEMENTED').length
    totals.tests += inSuite.length
    totals.failures += failures
    totals.skipped += skipped
    const ts = root.ele('testsuite', {
      name: `${label} · ${suite}`,
      tests: inSuite.length,
      failures,
      errors: 0,
      skipped,
      time: (inSuite.reduce((a, r) => a + r.durationMs, 0) / 1000).toFixed(3),
    })
    for (const r of inSuite) {
      const tc = ts.ele('testcase', { classname: classnameOf(suite, opts.name), name: `${r.id} [${r.level}]`, time: (r.durationMs / 1000).toFixed(3) })
      const note = unstableNote(r)
      if (note !== undefined) {
        const props = tc.ele('properties')
        props.ele('property', { name: 'unstable', value: 'true' })
        props.ele('property', { name: 'attempts', value: attemptsOf(r).length })
      }
      if (isFailure(r, opts.strict)) tc.ele('failure', { type: r.verdict, message: clean(`${r.verdict}: ${r.reason}`) }).txt(clean(detail(r)))
      else if (r.verdict === 'INFO' || r.verdict === 'UNIMPLEMENTED') tc.ele('skipped', { message: clean(`${r.verdict}: ${r.reason}`) })
      const out = [r.verdict === 'WARN' && !isFailure(r, opts.strict) ? `WARN: ${detail(r)}` : '', note === undefined ? '' : attemptLines(r, note)].filter(Boolean)
      if (out.length > 0) tc.ele('system-out').txt(clean(out.join('\n')))
    }
  }
  return totals
}

export function renderJunit(report: ConformanceReport, opts: { strict?: boolean; name?: string } = {}): string {
  const name = opts.name ?? report.target.name
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', { name: `unblocked conformance ${report.contract}: ${name ?? report.target.url}`, timestamp: report.startedAt, time: (report.durationMs / 1000).toFixed(3) })
  const totals = addSuites(root, report, { strict: opts.strict ?? false, name })
  root.att({ tests: totals.tests, failures: totals.failures, skipped: totals.skipped })
  return root.end({ prettyPrint: true })
}
