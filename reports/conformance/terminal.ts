/** The terminal reporter: a line per case as it completes, then counts and the failures explained. */
import { styleText } from 'node:util'
import type { CaseDef } from '../../scenarios/types.ts'
import { VERDICTS, type CaseResult, type ConformanceReport, type Verdict } from '../../scenarios/types.ts'

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

  onStart(target: string, total: number): void {
    this.#out.write(`unblocked conformance v1 → ${target} (${total} cases)\n`)
  }

  onCaseStart(_c: CaseDef, _i: number, _n: number): void {}

  onCaseEnd(r: CaseResult, i: number, n: number): void {
    const tag = this.#paint(COLOR[r.verdict], r.verdict.padEnd(13))
    const progress = this.#paint('gray', `[${String(i + 1).padStart(String(n).length)}/${n}]`)
    const reason = r.verdict === 'PASS' ? '' : `  ${this.#paint('gray', r.reason)}`
    this.#out.write(`${progress} ${tag} ${r.id} ${this.#paint('gray', `${r.durationMs} ms`)}${reason}\n`)
  }

  onFinish(report: ConformanceReport): void {
    const counts = VERDICTS.filter((v) => report.counts[v] > 0).map((v) => this.#paint(COLOR[v], `${report.counts[v]} ${v}`))
    this.#out.write(`\n${counts.join(', ')} in ${(report.durationMs / 1000).toFixed(1)} s\n`)
    const bad = report.cases.filter((r) => r.verdict === 'FAIL' || r.verdict === 'ERROR' || r.verdict === 'WARN')
    if (bad.length === 0) return
    this.#out.write('\nExplained:\n')
    for (const r of bad) {
      this.#out.write(`\n  ${this.#paint(COLOR[r.verdict], r.verdict)} ${r.id} [${r.level}] — ${r.description}\n    ${r.reason}\n`)
      if (r.expected) this.#out.write(`    expected: ${JSON.stringify(r.expected)}\n`)
      if (r.actual) this.#out.write(`    actual:   ${JSON.stringify(r.actual)}\n`)
    }
  }
}
