/** The `unblocked` command line. Each subcommand lives in its own module. */
import { Command, CommanderError } from 'commander'
import { serve } from './serve.ts'
import { UsageError } from './usage-error.ts'
import { targets } from './targets.ts'

export function buildCli(): Command {
  const program = new Command('unblocked')
    .description('Sync/async dispatch: a reference framework, a conformance contract and a load harness.')
    .exitOverride()

  program
    .command('serve')
    .description(`start a built-in target on 127.0.0.1 (targets: ${Object.keys(targets).join(', ')})`)
    .argument('<target>', 'target name')
    .option('-p, --port <port>', 'port to listen on (default: $PORT, else 8000)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .action(async (name: string, opts: { port?: string; host: string }) => {
      await serve(name, opts)
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
    if (err instanceof UsageError) {
      process.stderr.write(`unblocked: ${err.message}\n`)
      process.exit(2)
    }
    process.stderr.write(`unblocked: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exit(1)
  }
}
