/**
 * The terminal reporter: a line per case as it completes, then counts and the failures explained.
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

export class TerminalReporter {
  readonly #out: NodeJS.WritableStream
  readonly #color: boolean

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
    const tag = this.#paint(COLOR[r.verdict], r.verdict.padEnd(13))
    const progress = this.#paint('gray', `[${String(i + 1).padStart(String(n).length)}/${n}]`)
    const reason = r.reason === '' ? '' : `  ${this.#paint('gray', shown(r.reason))}`
    const note = unstableNote(r)
    const unstable = note === undefined ? '' : `  ${this.#paint('yellow', `(${shown(note)})`)}`
    this.#out.write(`${progress} ${tag} ${shown(r.id)} ${this.#paint('gray', `${r.durationMs} ms`)}${reason}${unstable}\n`)
  }

  onFinish(report: ConformanceReport): void {
    const counts = VERDICTS.filter((v) => report.counts[v] > 0).map((v) => this.#paint(COLOR[v], `${report.counts[v]} ${v}`))
    const unstable = report.cases.filter((r) => r.unstable === true)
    const note = unstable.length > 0 ? ` (${this.#paint('yellow', `${unstable.length} unstable`)})` : ''
    this.#out.write(`\n${counts.join(', ')}${note} in ${(report.durationMs / 1000).toFixed(1)} s\n`)
    const bad = report.cases.filter((r) => r.verdict === 'FAIL' || r.verdict === 'ERROR' || r.verdict === 'WARN')
    if (bad.length > 0) this.#out.write('\nExplained:\n')
    for (const r of bad) {
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

  #attempts(r: CaseResult): void {
    const attempts = attemptsOf(r)
    attempts.forEach((a, i) => this.#out.write(`    attempt ${i + 1}/${attempts.length}: ${shown(String(a.verdict))}${a.reason ? ` ${shown(String(a.reason))}` : ''}\n`))
  }
}
