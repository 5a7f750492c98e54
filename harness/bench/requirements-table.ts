/**
 * The requirements at the end of `unblocked bench`: each with its value, 95% interval and verdict,
 * rounded to 3 significant figures. A verdict that is neither met nor not met (inconclusive,
 * invalid, not measured) says why under its requirement: what would resolve it, or what is
 * missing. Pure: returns text.
 */
import type { Ratio, RequirementVerdict } from '../results/schema.ts'
import { sig, span } from './round.ts'
import { renderTable, type Row } from './terminal-table.ts'

/** A mark and the word, the same in every line the bench prints. */
export const VERDICT_TEXT: Record<RequirementVerdict, string> = {
  met: '✓ met',
  'not met': '✗ not met',
  inconclusive: '? inconclusive',
  invalid: '! invalid',
  'not measured': '- not measured',
}

/** Verdicts whose row alone does not say what follows: the requirement's `why` goes under it. */
const EXPLAINED: readonly RequirementVerdict[] = ['inconclusive', 'invalid', 'not measured']

export function requirementsTable(ratios: readonly Ratio[]): string | undefined {
  if (ratios.length === 0) return undefined
  const rows: Row[] = ratios.map((x) => [EXPLAINED.includes(x.verdict) ? `${x.description}\n→ ${x.why}` : x.description, sig(x.value), span(x.interval), VERDICT_TEXT[x.verdict]])
  const table = renderTable([{ head: 'requirement', wrap: true }, { head: 'value', align: 'right' }, { head: '95% interval', align: 'right' }, { head: 'verdict' }], rows)
  return ['Requirements (95% intervals; met or not met only when the whole interval is on one side)', table].join('\n')
}
