/**
 * `unblocked report`: render a saved run, or compare two runs. Renderers read only results.json,
 * validated here (parseResults) before any of them sees it.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { compareRuns, renderComparison, RunsDifferError } from './compare/runs.ts'
import { measuredSection } from '../reports/bench/measured.ts'
import { renderAll } from '../reports/render.ts'
import { parseResults, ResultsFileError } from './results/parse.ts'
import type { BenchResults } from './results/schema.ts'
import { readJsonInput } from './read-input.ts'
import { UsageError } from './usage-error.ts'

export interface ReportFlags {
  compare?: boolean
  out?: string
  markdown?: string
  failOnRegression?: boolean
  minChange: string
  /** Compare runs whose settings or machines differ. */
  force?: boolean
  /** Print the README's "Measured" section for this run instead of rendering it. */
  readme?: boolean
}

/**
 * A results.json from disk, validated. A file that is missing, unreadable or not JSON is a
 * catalogued CliError; one that is not a results.json this unblocked reads, a UsageError. Both
 * name the file, in one line.
 */
export async function loadResults(path: string): Promise<BenchResults> {
  const json = await readJsonInput(path)
  try {
    return parseResults(json, path)
  } catch (err) {
    if (err instanceof ResultsFileError) throw new UsageError(err.message)
    throw err
  }
}

export async function report(files: string[], flags: ReportFlags, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  if (flags.compare) {
    if (files.length !== 2) throw new UsageError('--compare needs two files: <base results.json> <head results.json>')
    const minChange = Number(flags.minChange)
    if (!Number.isFinite(minChange) || minChange < 0) throw new UsageError(`--min-change must be a non-negative number, got "${flags.minChange}"`)
    const [basePath = '', headPath = ''] = files
    const [base, head] = await Promise.all([loadResults(basePath), loadResults(headPath)])
    let comparison
    try {
      comparison = compareRuns(base, head, { minChangePct: minChange, force: flags.force === true })
    } catch (err) {
      if (err instanceof RunsDifferError) throw new UsageError(err.message)
      throw err
    }
    const md = renderComparison(comparison)
    out.write(md)
    if (flags.markdown) await writeFile(flags.markdown, md)
    const regressions = comparison.cells.filter((c) => c.verdict === 'regression').length
    return flags.failOnRegression && regressions > 0 ? 1 : 0
  }
  if (files.length !== 1) throw new UsageError('give one results.json to render (or --compare <base> <head>)')
  const [file = ''] = files
  const results = await loadResults(file)
  if (flags.readme) {
    out.write(measuredSection(results))
    return 0
  }
  const dir = resolve(flags.out ?? dirname(file))
  await mkdir(dir, { recursive: true })
  for (const path of await renderAll(results, dir)) out.write(`wrote ${path}\n`)
  return 0
}

// The command lives beside the browser check it drives; cli.ts imports it from here.
export { checkReportCommand } from './check-report-command.ts'
