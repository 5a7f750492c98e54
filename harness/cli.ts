/**
 * The `unblocked` command line. Each subcommand lives in its own module and is loaded only when
 * it runs: `serve` is the process the bench measures, and loading the bench, the conformance
 * suites and the renderers into it made every target's main thread carry their modules (more to
 * load, a bigger heap for every garbage collection).
 */
import { Command, CommanderError, Option } from 'commander'
import type { BenchFlags } from './bench-command.ts'
import { exitCodesHelp } from './bench/exit-codes.ts'
import { profilesHelp } from './bench/profile-presets.ts'
import type { ConformanceFlags } from './conformance.ts'
import type { ReportFlags } from './report-command.ts'
import { CliError } from './cli-error.ts'
import { UsageError } from './usage-error.ts'
import { targets } from '../targets/index.ts'
import { projectVersion } from '../targets/shared/package-version.ts'
import { CONTRACT_VERSION, CONTRACT_VERSIONS, SUITES } from '../scenarios/types.ts'

export function buildCli(): Command {
  const program = new Command('unblocked')
    .description('Sync/async dispatch: a reference framework, a conformance contract and a load harness.')
    .version(projectVersion(), '-V, --version', 'print the version and exit')
    .exitOverride()

  program
    .command('serve')
    .description(`start a built-in target on 127.0.0.1 (targets: ${Object.keys(targets).join(', ')})`)
    .argument('<target>', 'target name')
    .option('-p, --port <port>', 'port to listen on (default: $PORT, else 8000)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .action(async (name: string, opts: { port?: string; host: string }) => {
      await (await import('./serve.ts')).serve(name, opts)
    })

  program
    .command('conformance')
    .description('run the conformance suites against any HTTP server that implements the contract (scenarios/contract-v2.md, and contract-v1.md it extends)')
    .option('--url <url>', 'base URL of a running target, e.g. http://127.0.0.1:8000')
    // --url's old name, kept hidden only to say it was renamed (one meaning per flag: bench's took a command).
    .addOption(new Option('--target [url]').hideHelp())
    .option('--spawn <command>', 'start the target: $PORT is set and {port} substituted; waits for GET /health; the process tree is killed afterwards')
    .option('--name <name>', 'a name for the target in reports')
    .option('--contract <version>', `run only the cases of this contract version: ${CONTRACT_VERSIONS.join(', ')}`, CONTRACT_VERSION)
    .option('--suite <list>', `comma-separated suites: ${SUITES.join(', ')}`)
    .option('--exclude-suite <list...>', 'leave out these suites (repeatable, comma-separated), e.g. --exclude-suite invasive')
    .option('--case <glob...>', 'only cases whose id matches a glob (repeatable, comma-separated)')
    .option('--list', 'list the selected cases and exit')
    .option('--timeout <ms>', 'per-request timeout: the whole answer, body included', '5000')
    .option('--deadline <s>', "the run's deadline: when it passes, the case in flight is stopped, the rest are ERROR, the reports are written, exit 1 (default: the sum of the selected cases' deadlines, + 30 s)")
    .option('--startup-timeout <ms>', 'how long --spawn waits for GET /health', '30000')
    .option('--attempts <n>', 'runs a failing timing case (a latency or parallelism bound) gets; it fails only if all fail, and is marked unstable if they disagree', '3')
    .option('--json <file>', 'write the JSON report')
    .option('--junit <file>', 'write JUnit XML')
    .option('--markdown <file>', 'write a Markdown summary')
    .option('--strict', 'treat WARN as failure (exit code and JUnit)')
    .action(async (flags: ConformanceFlags) => {
      process.exitCode = await (await import('./conformance.ts')).conformance(flags)
      // The reports are written and the target is stopped: nothing may hold the exit now — a case
      // left behind at its deadline with a timer of its own, a handle a target left open.
      setTimeout(() => process.exit(), 2_000).unref()
    })

  program
    .command('bench')
    .description('load-test every target (verify with the conformance suites first) and write reports/out/<timestamp>/results.json')
    .option('--quick', 'the CI profile (see Profiles below)')
    .option('--duration <sec>', 'measured seconds per trial')
    .option('--trials <n>', 'trials per (target, scenario), for every scenario (default: 10 where a requirement reads, 3 elsewhere)')
    .option('--seed <n>', 'seed of the shuffled trial order and the bootstrap (default: random, recorded in results.json)')
    .option('--connections <n>', 'connections for every scenario')
    .option('--startup-rounds <n>', 'starts of each target before loading, for its start-up time and idle memory; 0 skips them (default: 5, quick: 3)')
    .option('--targets <list>', 'comma-separated targets: built-in names, or names given to --spawn or in unblocked.config.json')
    .option('--scenarios <list>', 'comma-separated scenario ids')
    .option('--spawn <name=command...>', 'an external target: a name and the command that starts it, {port} substituted and $PORT set, as conformance --spawn does (repeatable)')
    // The old name, hidden: bench() refuses it in one line that names --spawn.
    .addOption(new Option('--target <name=command...>').hideHelp())
    .option('--driver <tool>', 'the load generator: autocannon, or wrk where it is installed', 'autocannon')
    .option('--out <dir>', 'output root', 'reports/out')
    .option('--baseline <git-ref|dir>', "also run the base build's targets (a git ref, checked out in a temporary worktree with this checkout's node_modules, or a directory) in the same run, trials alternated, and compare the builds (compare.md)")
    .addHelpText('after', () => `\n${profilesHelp()}\n\n${exitCodesHelp()}\n`)
    .action(async (flags: BenchFlags) => {
      process.exitCode = await (await import('./bench-command.ts')).bench(flags)
    })

  program
    .command('report')
    .description('render a saved run (index.html, summary.md, conformance.junit.xml), or compare two runs')
    .argument('<files...>', 'results.json, or <base> <head> with --compare')
    .option('--out <dir>', 'where to write the rendering (default: beside results.json)')
    .option('--compare', 'compare two runs: <base results.json> <head results.json>')
    .option('--fail-on-regression', 'exit 1 when a cell\'s requests/s regressed (Mann–Whitney, Holm-corrected over the cells)')
    .option('--min-change <pct>', 'smallest change (%) that can count as a regression, however significant', '5')
    .option('--force', 'compare runs whose settings (profile, durations, trials, connections, driver, scenarios) or machines differ')
    .option('--markdown <file>', 'also write the comparison as Markdown')
    .option('--readme', "print the README's Measured section for this run (docs/results/bench.json is the committed one)")
    .action(async (files: string[], flags: ReportFlags) => {
      process.exitCode = await (await import('./report-command.ts')).report(files, flags)
    })

  program
    .command('matrix')
    .description('several conformance reports (--json) side by side: a Markdown table of verdicts per suite and target')
    .argument('<reports...>', 'JSON reports written by unblocked conformance --json')
    .option('--suites <list>', 'comma-separated suites to show (default: every suite a report ran)')
    .action(async (files: string[], flags: { suites?: string }) => {
      process.exitCode = await (await import('./matrix-command.ts')).matrix(files, flags)
    })

  program
    .command('check-report')
    .description('open a rendered index.html in headless Chromium at desktop and phone widths: no console errors, every chart drawn, no sideways overflow, no overlapping axis labels; saves screenshots beside it')
    .argument('<index.html>')
    .action(async (file: string) => {
      process.exitCode = await (await import('./report-command.ts')).checkReportCommand(file)
    })

  return program
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv)
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exit(err.exitCode === 0 ? 0 : 2)
    }
    if (err instanceof UsageError || err instanceof CliError) {
      process.stderr.write(`unblocked: ${err.message}\n`)
      process.exit(err instanceof CliError ? err.exitCode : 2)
    }
    process.stderr.write(`unblocked: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exit(1)
  }
}
