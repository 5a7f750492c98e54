/**
 * The load results as a terminal table at the end of `unblocked bench`: one section per scenario,
 * one row per target that ran in it (a target not selected, or not run in that scenario, has no
 * cell and no row; cells that never ran are counted under the table, not listed), rounded to 3
 * significant figures. A cell a reader must not take at face value carries a short flag, and the
 * flags that appear are explained once under the table. Pure: returns text.
 */
import { oneLine } from '../../scenarios/one-line.ts'
import type { BenchResults, Cell, CellOk, ScenarioInfo } from '../results/schema.ts'
import { mib, sig, span } from './round.ts'
import { renderTable, wrapText, type Column, type Row } from './terminal-table.ts'

/** A flag's short form in the table, and what it means, said once under it (an invalid cell's note names the cell). */
type Flag = { readonly kind: string; readonly short: string; readonly note: string }

const okCount = (c: CellOk): number => c.trials.filter((t) => t.state === 'ok').length

function flagsOf(c: CellOk, r: BenchResults): Flag[] {
  const n = okCount(c)
  const failed = c.trials.filter((t) => t.state === 'errored' || t.state === 'crashed').length
  const ping = c.ping?.target
  const lost = ping === undefined ? 0 : ping.scheduled - ping.served
  const ceiling = r.ceiling.state === 'ok' ? ` (${sig(r.ceiling.rps)} req/s)` : ''
  const flags: (Flag | false)[] = [
    c.invalid !== undefined && { kind: 'invalid', short: 'invalid', note: `invalid: ${c.scenario} · ${c.target}: ${oneLine(c.invalid)}; no requirement reads it` },
    c.atCeiling && { kind: 'ceiling', short: 'at ceiling', note: `at ceiling: within 90% of the load generator's ceiling${ceiling}, so "≥": the target may be faster` },
    c.saturatedTrials > 0 && { kind: 'saturated', short: `saturated ${c.saturatedTrials}/${n}`, note: 'saturated k/n: the load generator was saturated in k of n trials: it may have set the pace' },
    c.slowedTrials > 0 && { kind: 'slowed', short: `slowed ${c.slowedTrials}/${n}`, note: `slowed k/n: k of n trials ran on a visibly slowed machine (its probe ≥ ${r.machine.slowFactor}× the run's median)` },
    lost > 0 && { kind: 'pings', short: `pings lost ${sig(lost)}`, note: 'pings lost: scheduled pings answered otherwise than 200, or not within the deadline' },
    failed > 0 && { kind: 'failed', short: `failed ${failed}/${c.trials.length}`, note: 'failed k/n: trials that errored or in which the target crashed (results.json has each error)' },
  ]
  return flags.filter((f): f is Flag => f !== false)
}

function heading(s: ScenarioInfo, durationSec: number): string {
  return `${s.id} · ${s.method} ${s.path} · ${s.connections} connections · ${s.trials} trial${s.trials === 1 ? '' : 's'} × ${durationSec} s`
}

/** The cells that ran (ok or errored), in the run's order; a skipped cell never ran. */
const ran = (r: BenchResults, scenario: string): Exclude<Cell, { state: 'skipped' }>[] => r.cells.flatMap((c) => (c.scenario === scenario && c.state !== 'skipped' ? [c] : []))

/** The load table, the notes its flags need, and a line per reason cells were not run; undefined when no cell ran. */
export function loadTable(r: BenchResults): string | undefined {
  const withPings = r.cells.some((c) => c.state === 'ok' && c.ping !== undefined)
  const columns: Column[] = [
    { head: 'target' },
    { head: 'req/s', align: 'right' },
    { head: '95% interval', align: 'right' },
    { head: 'p50 ms', align: 'right' },
    { head: 'p99 ms', align: 'right' },
    ...(withPings ? [{ head: 'pings p99/max', align: 'right' as const }] : []),
    { head: 'flags', wrap: true },
  ]
  const rows: Row[] = []
  const notes = new Map<string, string>()
  for (const s of r.scenarios) {
    const cells = ran(r, s.id)
    if (cells.length === 0) continue
    rows.push({ heading: heading(s, r.settings.durationSec) })
    for (const c of cells) {
      if (c.state === 'errored') {
        rows.push([c.target, '—', '—', '—', '—', ...(withPings ? ['—'] : []), `errored: ${oneLine(c.error, 60)}`])
        continue
      }
      const m = c.median
      const flags = flagsOf(c, r)
      for (const f of flags) notes.set(f.kind === 'invalid' ? f.note : f.kind, f.note)
      const ping = c.ping === undefined ? '' : `${sig(c.ping.target.latency.p99)} / ${sig(c.ping.target.stallMaxMs)}`
      rows.push([c.target, `${c.atCeiling ? '≥ ' : ''}${sig(m.rps)}`, span(m.rpsInterval), sig(m.closedLoop.p50), sig(m.closedLoop.p99), ...(withPings ? [ping] : []), flags.map((f) => f.short).join(', ')])
    }
  }
  if (rows.length === 0) return undefined
  const notRun = new Map<string, number>()
  for (const c of r.cells) if (c.state === 'skipped') notRun.set(c.reason, (notRun.get(c.reason) ?? 0) + 1)
  return [
    'Load: medians over the trials; p50, p99: closed-loop latency, ms; pings: p99 / longest wait, ms',
    renderTable(columns, rows, { rowLines: false }),
    ...[...notes.values()].map((n) => wrapText(n)),
    ...[...notRun].map(([reason, n]) => wrapText(`${n} cell${n === 1 ? '' : 's'} not run: ${oneLine(reason.replace(/^not run: /, ''))}`)),
  ].join('\n')
}

/** Start-up time and memory per target, when the run measured them; undefined otherwise. */
export function startupTable(r: BenchResults): string | undefined {
  const startup = r.startup ?? []
  if (startup.length === 0) return undefined
  const failed = startup.some((s) => s.state !== 'ok')
  const rows: Row[] = startup.map((s) => {
    const why = failed ? [s.state === 'ok' ? '' : `${s.state}: ${oneLine(s.state === 'errored' ? s.error : s.reason, 80)}`] : []
    return s.state === 'ok' ? [s.target, sig(s.median.healthyMs), mib(s.median.idleRssBytes), mib(s.peakRssBytes), ...why] : [s.target, '—', '—', '—', ...why]
  })
  const columns: Column[] = [{ head: 'target' }, { head: 'to /health ms', align: 'right' }, { head: 'idle RSS', align: 'right' }, { head: 'peak RSS', align: 'right' }, ...(failed ? [{ head: 'note', wrap: true }] : [])]
  return ['Start-up and memory: spawn to a healthy /health; RSS of the process tree (medians of the starts)', renderTable(columns, rows, { rowLines: false })].join('\n')
}
