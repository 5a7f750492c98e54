/**
 * The terminal reporter: a line per case as it completes, then counts and the failures explained.
 * Cases not run (once a target is gone or the run was interrupted, every later case) are one line
 * per reason, in the progress and in the explanation, not a line each: the reports list them all.
 * Every string of a report is printed through `visibleControls`: a CR, an ESC or a C1 CSI from the
 * target is shown as an escape, never obeyed (a target once redrew its FAIL line as a PASS).
 */
import { styleText } from 'node:util'
import { attemptsOf, unstableNote } from '../../scenarios/attempts.ts'
import type { CaseDef } from '../../scenarios/types.ts'
import { CONTRACT_VERSION, VERDICTS, type CaseResult, type ConformanceReport, type ContractVersion, type Verdict } from '../../scenarios/types.ts'
import { visibleControls as shown } from '../escape.ts'

type Color = 'green' | 'red' | 'yellow' | 'cyan' | 'gray' | 'magenta'
const COLOR: Record<Verdict, Color> = { PASS: 'green', FAIL: 'red', WARN: 'yellow', INFO: 'cyan', UNIMPLEMENTED: 'gray', ERROR: 'magenta' }

const NOT_RUN = 'not run: '
const isNotRun = (r: CaseResult): boolean => r.verdict === 'ERROR' && r.reason.startsWith(NOT_RUN)
/** Ids named in a collapsed explanation before "and N more". */
const IDS_SHOWN = 3

export class TerminalReporter {
  readonly #out: NodeJS.WritableStream
  readonly #color: boolean
  /** Not-run cases in a row with the same reason, printed as one line once the row ends. */
  #pending: { first: number; total: number; results: CaseResult[] } | undefined

  constructor(out: NodeJS.WritableStream = process.stdout, color = (out as NodeJS.WriteStream).isTTY === true && process.env.NO_COLOR === undefined) {
    this.#out = out
    this.#color = color
  }

  #paint(color: Color, s: string): string {
    return this.#color ? styleText(color, s) : s
  }

  onStart(target: string, total: number, contract: ContractVersion = CONTRACT_VERSION, deadlineMs?: number): void {
    const deadline = deadlineMs === undefined ? '' : `, deadline ${Math.round(deadlineMs / 1000).toLocaleString('en-US')} s`
    this.#out.write(`unblocked conformance ${contract} → ${shown(target)} (${total} cases${deadline})\n`)
  }

  onCaseStart(_c: CaseDef, _i: number, _n: number): void {}

  onCaseEnd(r: CaseResult, i: number, n: number): void {
    if (this.#pending !== undefined && !(isNotRun(r) && r.reason === this.#pending.results[0]?.reason)) this.#flush()
    if (isNotRun(r)) {
      this.#pending ??= { first: i, total: n, results: [] }
      this.#pending.results.push(r)
      return
    }
    this.#line(r, i, n)
  }

  #progress(i: number, n: number, last = i): string {
    const width = String(n).length
    const at = last === i ? String(i + 1).padStart(width) : `${String(i + 1).padStart(width)}–${last + 1}`
    return this.#paint('gray', `[${at}/${n}]`)
  }

  #flush(): void {
    const p = this.#pending
    this.#pending = undefined
    const [r] = p?.results ?? []
    if (p === undefined || r === undefined) return
    if (p.results.length === 1) return this.#line(r, p.first, p.total)
    const tag = this.#paint(COLOR.ERROR, 'ERROR'.padEnd(13))
    this.#out.write(`${this.#progress(p.first, p.total, p.first + p.results.length - 1)} ${tag} ${p.results.length} cases ${this.#paint('gray', shown(r.reason))}\n`)
  }

  #line(r: CaseResult, i: number, n: number): void {
    const tag = this.#paint(COLOR[r.verdict], r.verdict.padEnd(13))
    const progress = this.#progress(i, n)
    const reason = r.reason === '' ? '' : `  ${this.#paint('gray', shown(r.reason))}`
    const note = unstableNote(r)
    const unstable = note === undefined ? '' : `  ${this.#paint('yellow', `(${shown(note)})`)}`
    this.#out.write(`${progress} ${tag} ${shown(r.id)} ${this.#paint('gray', `${r.durationMs} ms`)}${reason}${unstable}\n`)
  }

  onFinish(report: ConformanceReport): void {
    this.#flush()
    const counts = VERDICTS.filter((v) => report.counts[v] > 0).map((v) => this.#paint(COLOR[v], `${report.counts[v]} ${v}`))
    const unstable = report.cases.filter((r) => r.unstable === true)
    const note = unstable.length > 0 ? ` (${this.#paint('yellow', `${unstable.length} unstable`)})` : ''
    this.#out.write(`\n${counts.join(', ')}${note} in ${(report.durationMs / 1000).toFixed(1)} s\n`)
    const bad = report.cases.filter((r) => r.verdict === 'FAIL' || r.verdict === 'ERROR' || r.verdict === 'WARN')
    if (bad.length > 0) this.#out.write('\nExplained:\n')
    // By reason (Map.groupBy needs Node 21).
    const notRun = new Map<string, CaseResult[]>()
    for (const r of bad.filter(isNotRun)) {
      const group = notRun.get(r.reason)
      if (group === undefined) notRun.set(r.reason, [r])
      else group.push(r)
    }
    for (const r of bad) {
      const group = isNotRun(r) ? (notRun.get(r.reason) ?? []) : []
      if (group.length > 1) {
        // The whole group where its first case would be; its other cases add nothing.
        if (group[0] === r) this.#notRunGroup(group)
        continue
      }
      this.#out.write(`\n  ${this.#paint(COLOR[r.verdict], r.verdict)} ${shown(r.id)} [${r.level}] — ${shown(r.description)}\n    ${shown(r.reason)}\n`)
      if (r.expected) this.#out.write(`    expected: ${shown(JSON.stringify(r.expected))}\n`)
      if (r.actual) this.#out.write(`    actual:   ${shown(JSON.stringify(r.actual))}\n`)
      this.#attempts(r)
    }
    const heldUnstable = unstable.filter((r) => !bad.includes(r))
    if (heldUnstable.length > 0) this.#out.write('\nUnstable (a timing case that failed on some attempts):\n')
    for (const r of heldUnstable) {
      this.#out.write(`\n  ${this.#paint(COLOR[r.verdict], r.verdict)} ${shown(r.id)} [${r.level}] — ${shown(unstableNote(r) ?? '')}\n`)
      this.#attempts(r)
    }
  }

  #notRunGroup(group: readonly CaseResult[]): void {
    const [first] = group
    if (first === undefined) return
    const more = group.length - IDS_SHOWN
    const ids = `${group.slice(0, IDS_SHOWN).map((r) => shown(r.id)).join(', ')}${more > 0 ? `, and ${more} more` : ''}`
    this.#out.write(`\n  ${this.#paint(COLOR.ERROR, 'ERROR')} ${group.length} cases — ${ids}\n    ${shown(first.reason)}\n`)
  }

  #attempts(r: CaseResult): void {
    const attempts = attemptsOf(r)
    attempts.forEach((a, i) => this.#out.write(`    attempt ${i + 1}/${attempts.length}: ${shown(String(a.verdict))}${a.reason ? ` ${shown(String(a.reason))}` : ''}\n`))
  }
}
