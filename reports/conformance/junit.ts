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

export function renderJunit(report: ConformanceReport, opts: { strict?: boolean; name?: string } = {}): string {
  const strict = opts.strict ?? false
  const targetName = opts.name ?? report.target.name ?? report.target.url
  const cases = report.cases
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', {
    name: `unblocked conformance ${report.contract}: ${targetName}`,
    tests: cases.length,
    failures: cases.filter((r) => isFailure(r, strict)).length,
    skipped: cases.filter((r) => r.verdict === 'INFO' || r.verdict === 'UNIMPLEMENTED').length,
    time: (report.durationMs / 1000).toFixed(3),
    timestamp: report.startedAt,
  })
  for (const suite of SUITES) {
    const inSuite = cases.filter((r) => r.suite === suite)
    if (inSuite.length === 0) continue
    const ts = root.ele('testsuite', {
      name: `${targetName} · ${suite}`,
      tests: inSuite.length,
      failures: inSuite.filter((r) => isFailure(r, strict)).length,
      errors: 0,
      skipped: inSuite.filter((r) => r.verdict === 'INFO' || r.verdict === 'UNIMPLEMENTED').length,
      time: (inSuite.reduce((a, r) => a + r.durationMs, 0) / 1000).toFixed(3),
    })
    for (const r of inSuite) {
      const tc = ts.ele('testcase', { classname: `unblocked.${suite}`, name: `${r.id} [${r.level}]`, time: (r.durationMs / 1000).toFixed(3) })
      if (isFailure(r, strict)) tc.ele('failure', { type: r.verdict, message: clean(`${r.verdict}: ${r.reason}`) }).txt(clean(detail(r)))
      else if (r.verdict === 'INFO' || r.verdict === 'UNIMPLEMENTED') tc.ele('skipped', { message: clean(`${r.verdict}: ${r.reason}`) })
      else if (r.verdict === 'WARN') tc.ele('system-out').txt(clean(`WARN: ${detail(r)}`))
    }
  }
  return root.end({ prettyPrint: true })
}
