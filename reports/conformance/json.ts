/** The JSON report: the source of truth the other renderers read. */
import type { ConformanceReport } from '../../scenarios/types.ts'

export function renderJson(report: ConformanceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`
}
