/** conformance.junit.xml: one file, a <testsuite> per target and suite, from the verification step. */
import { create } from 'xmlbuilder2'
import { addSuites } from '../conformance/junit.ts'
import type { Renderer } from '../renderer.ts'
import { conformanceOf } from './verification.ts'

export const junitRenderer: Renderer = {
  name: 'junit',
  render(r) {
    const reports = r.targets.flatMap((t) => {
      const report = conformanceOf(t)
      return report === undefined ? [] : [{ name: t.name, report }]
    })
    const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', { name: `unblocked conformance (bench ${r.createdAt})` })
    let tests = 0
    let failures = 0
    let skipped = 0
    for (const { name, report } of reports) {
      const counts = addSuites(root, report, { strict: false, name })
      tests += counts.tests
      failures += counts.failures
      skipped += counts.skipped
    }
    root.att({ tests, failures, skipped })
    return [{ name: 'conformance.junit.xml', content: root.end({ prettyPrint: true }) }]
  },
}
