/** `unblocked matrix <report.json...>`: several conformance reports side by side, as a Markdown table. */
import { readFileSync } from 'node:fs'
import { verdictMatrix, type NamedReport } from '../reports/conformance/matrix.ts'
import { SUITES, type ConformanceReport, type Suite } from '../scenarios/types.ts'
import { UsageError } from './usage-error.ts'

export interface MatrixFlags {
  suites?: string
}

function load(file: string): NamedReport {
  let report: ConformanceReport
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as ConformanceReport
  } catch (err) {
    throw new UsageError(`${file} is not a readable conformance report (--json of unblocked conformance): ${(err as Error).message}`)
  }
  if (!Array.isArray(report.cases) || typeof report.target !== 'object') throw new UsageError(`${file} is not a conformance report: it has no cases`)
  return { name: report.target.name ?? report.target.url, report }
}

/** The suites to show: the ones asked for, else every suite some report ran, in run order. */
function suitesOf(reports: readonly NamedReport[], flag: string | undefined): Suite[] {
  if (flag !== undefined) {
    const asked = flag.split(',').map((s) => s.trim()).filter(Boolean)
    for (const s of asked) if (!(SUITES as readonly string[]).includes(s)) throw new UsageError(`unknown suite ${s} in --suites; suites: ${SUITES.join(', ')}`)
    return asked as Suite[]
  }
  const ran = new Set(reports.flatMap((r) => r.report.cases.map((c) => c.suite)))
  return SUITES.filter((s) => ran.has(s))
}

export function matrix(files: readonly string[], flags: MatrixFlags): number {
  const reports = files.map(load)
  process.stdout.write(verdictMatrix(reports, suitesOf(reports, flags.suites)))
  return 0
}
