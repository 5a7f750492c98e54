/** `unblocked serve <target>`: run one built-in target until SIGINT/SIGTERM. */
import { targets } from '../targets/index.ts'
import type { RunningTarget } from '../targets/spec.ts'
import { CliError } from './cli-error.ts'
import { UsageError } from './usage-error.ts'

export interface ServeOptions {
  port?: string
  host: string
}

/** A target that does not state how long its `close()` may take is given this long, ms. */
export const ASSUMED_CLOSE_MS = 30_000
/** The forced exit comes this long after the target's close could last, ms: never before it. */
export const FORCED_EXIT_MARGIN_MS = 5_000

export function resolvePort(flag: string | undefined, env: string | undefined): number {
  const raw = flag ?? env ?? '8000'
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`port must be an integer in 0–65535, got "${raw}"`)
  }
  return port
}

/**
 * When `serve` gives up on a graceful close and exits 1, ms after the signal: after every phase of
 * the target's close (the reference: its grace, then its pool's close, each bounded), so the
 * forced exit never cuts short a close that is still within its bounds.
 */
export function forcedExitAfterMs(running: Pick<RunningTarget, 'closeWithinMs'>): number {
  return (running.closeWithinMs ?? ASSUMED_CLOSE_MS) + FORCED_EXIT_MARGIN_MS
}

/**
 * What a signal does: the first closes `running` gracefully and exits 0 after a SIGTERM (the
 * ordinary end of a server: a supervisor's stop), 130 after a SIGINT (Ctrl-C: the shell's code for
 * an interrupt), 1 if closing failed or once `forcedMs` pass; a second exits 1 at once.
 */
export function onSignals(running: Pick<RunningTarget, 'close' | 'closeWithinMs'>, exit: (code: number) => void, say: (line: string) => void, forcedMs = forcedExitAfterMs(running)): (signal: string) => void {
  let stopping = false
  return (signal) => {
    if (stopping) {
      say(`unblocked: second ${signal}, exiting now`)
      exit(1)
      return
    }
    stopping = true
    const bound = running.closeWithinMs === undefined ? '' : ` (at most ${seconds(running.closeWithinMs)})`
    say(`unblocked: ${signal}: closing gracefully${bound}; forced exit after ${seconds(forcedMs)}`)
    const forced = setTimeout(() => {
      say(`unblocked: graceful shutdown did not finish within ${seconds(forcedMs)}, exiting`)
      exit(1)
    }, forcedMs)
    forced.unref()
    running.close().then(
      () => {
        clearTimeout(forced)
        exit(signal === 'SIGINT' ? 130 : 0)
      },
      (err: unknown) => {
        clearTimeout(forced)
        say(`unblocked: error while shutting down: ${String(err)}`)
        exit(1)
      },
    )
  }
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`

/** Listening failed because another socket holds the address: Node's EADDRINUSE, on the error or a cause it wraps. */
function inUse(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ((e as { code?: unknown }).code === 'EADDRINUSE') return true
  }
  return false
}

export async function serve(name: string, opts: ServeOptions): Promise<RunningTarget> {
  const spec = targets[name]
  if (spec === undefined) throw new UsageError(`unknown target "${name}"; built-in targets: ${Object.keys(targets).join(', ')}`)
  const port = resolvePort(opts.port, process.env.PORT)
  let running: RunningTarget
  try {
    running = await spec.start(port, opts.host)
  } catch (err) {
    if (inUse(err)) throw new CliError('UNB_ERR_CLI_PORT_IN_USE', [port, opts.host], { cause: err })
    throw err
  }
  const stop = onSignals(running, (code) => process.exit(code), (line) => process.stderr.write(`${line}\n`))
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  // Only now: whoever waits for this line may signal at once. Printed before the handlers, a test's
  // SIGINT once arrived in between on a busy machine, and the default action killed serve (no exit code).
  process.stdout.write(`unblocked: ${running.description} listening on ${running.url}\n`)
  return running
}
