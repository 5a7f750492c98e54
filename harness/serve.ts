/** `unblocked serve <target>`: run one built-in target until SIGINT/SIGTERM. */
import { targets } from '../targets/index.ts'
import type { RunningTarget } from '../targets/spec.ts'
import { UsageError } from './usage-error.ts'

export interface ServeOptions {
  port?: string
  host: string
}

export function resolvePort(flag: string | undefined, env: string | undefined): number {
  const raw = flag ?? env ?? '8000'
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`port must be an integer in 0–65535, got "${raw}"`)
  }
  return port
}

export async function serve(name: string, opts: ServeOptions): Promise<RunningTarget> {
  const spec = targets[name]
  if (spec === undefined) throw new UsageError(`unknown target "${name}"; built-in targets: ${Object.keys(targets).join(', ')}`)
  const port = resolvePort(opts.port, process.env.PORT)
  const running = await spec.start(port, opts.host)
  process.stdout.write(`unblocked: ${running.description} listening on ${running.url}\n`)
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) {
      process.stderr.write(`unblocked: second ${signal}, exiting now\n`)
      process.exit(1)
    }
    stopping = true
    // Graceful close waits for in-flight requests (10 s) and running pool tasks; never forever.
    setTimeout(() => {
      process.stderr.write('unblocked: graceful shutdown did not finish within 30 s, exiting\n')
      process.exit(1)
    }, 30_000).unref()
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`unblocked: error while shutting down: ${String(err)}\n`)
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
  return running
}
