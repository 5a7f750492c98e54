/** `unblocked matrix <report.json...>`: several conformance reports side by side, as a Markdown table. */
import { verdictMatrix, type NamedReport } from '../reports/conformance/matrix.ts'
import { SUITES, type ConformanceReport, type Suite } from '../scenarios/types.ts'
import { readJsonInput } from './read-input.ts'
import { UsageError } from './usage-error.ts'

export interface MatrixFlags {
  suites?: string
}

/** A missing, unreadable or non-JSON file is a catalogued one-line error naming it (read-input.ts). */
async function load(file: string): Promise<NamedReport> {
  const report = (await readJsonInput(file)) as ConformanceReport
  if (typeof report !== 'object' || report === null || !Array.isArray(report.cases) || typeof report.target !== 'object') {
    throw new UsageError(`${file} is not a conformance report (--json of unblocked conformance): it has no cases`)
  }
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

export async function matrix(files: readonly string[], flags: MatrixFlags): Promise<number> {
  const reports = await Promise.all(files.map(load))
  process.stdout.write(verdictMatrix(reports, suitesOf(reports, flags.suites)))
  return 0
}
