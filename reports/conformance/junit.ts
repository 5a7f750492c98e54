/**
 * JUnit XML for CI test viewers: one testsuite per suite. FAIL and ERROR are failures; WARN is a
 * failure only in strict mode (otherwise a pass with the warning in system-out); INFO and
 * UNIMPLEMENTED are skipped with their message.
 */
import { create } from 'xmlbuilder2'
import { SUITES, type CaseResult, type ConformanceReport } from '../../scenarios/types.ts'

function detail(r: CaseResult): string {
  const parts = [r.reason]
  if (r.expected) parts.push(`expected: ${JSON.stringify(r.expected)}`)
  if (r.actual) parts.push(`actual:   ${JSON.stringify(r.actual)}`)
  if (r.data) parts.push(`data:     ${JSON.stringify({ ...r.data, pingTimeline: undefined })}`)
  return parts.join('\n')
}

function isFailure(r: CaseResult, strict: boolean): boolean {
  return r.verdict === 'FAIL' || r.verdict === 'ERROR' || (strict && r.verdict === 'WARN')
}

// XML 1.0 cannot carry most control characters even escaped; a hostile target could send them.
const clean = (s: string): string => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')

type XmlNode = ReturnType<typeof create>

/** Append a <testsuite> per suite of `report` to `root`; returns the counts added. */
export function addSuites(root: XmlNode, report: ConformanceReport, opts: { strict: boolean; name: string }): { tests: number; failures: number; skipped: number } {
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
      name: `${opts.name} · ${suite}`,
      tests: inSuite.length,
      failures,
      errors: 0,
      skipped,
      time: (inSuite.reduce((a, r) => a + r.durationMs, 0) / 1000).toFixed(3),
    })
    for (const r of inSuite) {
      const tc = ts.ele('testcase', { classname: `unblocked.${opts.name}.${suite}`, name: `${r.id} [${r.level}]`, time: (r.durationMs / 1000).toFixed(3) })
      if (isFailure(r, opts.strict)) tc.ele('failure', { type: r.verdict, message: clean(`${r.verdict}: ${r.reason}`) }).txt(clean(detail(r)))
      else if (r.verdict === 'INFO' || r.verdict === 'UNIMPLEMENTED') tc.ele('skipped', { message: clean(`${r.verdict}: ${r.reason}`) })
      else if (r.verdict === 'WARN') tc.ele('system-out').txt(clean(`WARN: ${detail(r)}`))
    }
  }
  return totals
}

export function renderJunit(report: ConformanceReport, opts: { strict?: boolean; name?: string } = {}): string {
  const name = opts.name ?? report.target.name ?? report.target.url
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', { name: `unblocked conformance ${report.contract}: ${name}`, timestamp: report.startedAt, time: (report.durationMs / 1000).toFixed(3) })
  const totals = addSuites(root, report, { strict: opts.strict ?? false, name })
  root.att({ tests: totals.tests, failures: totals.failures, skipped: totals.skipped })
  return root.end({ prettyPrint: true })
}
