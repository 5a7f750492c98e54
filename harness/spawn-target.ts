/**
 * Start a target from a shell command on a free port, wait until `GET /health` answers, and stop
 * everything it started afterwards. The command runs as a session and process-group leader (a
 * detached child calls setsid), so the shell and what it starts are signalled together, and what
 * it starts shares its session id. A process that escapes both (`setsid sleep 1000 &`, a detached
 * grandchild) is still found through its parent links (process-tree.ts), looked for once the
 * target answers and again before it is stopped, and killed by pid, never by name. Stopped, the
 * target's pipes are closed on this side: a process that holds their other ends cannot keep the
 * CLI from exiting. A `process.on('exit')` guard kills the rest if the CLI itself dies first.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { setTimeout as delay } from 'node:timers/promises'
import getPort from 'get-port'
import { request } from 'undici'
import { visibleControls } from '../reports/escape.ts'
import { capText } from '../scenarios/one-line.ts'
import { lastOutput, neverHealthy, pollError, seconds, seen, type HealthSeen } from './health-wait.ts'
import { grow, readProcs, signalKnown, startOf, type Known } from './process-tree.ts'

export interface SpawnedTarget {
  readonly url: string
  readonly port: number
  readonly pid: number
  readonly command: string
  /** Why the process is gone (exit code or signal), or undefined while it runs. */
  gone(): string | undefined
  /** The last lines the process printed (stdout and stderr). */
  output(): string[]
  /** SIGTERM to the group, SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>
}

/** The target did not start: what was observed, and what it printed. */
export class SpawnError extends Error {
  override readonly name = 'SpawnError'
  constructor(
    /**
     * One line of what was observed, with the target's last output: "the command exited with code
     * 1 after 0.4 s, before GET /health answered 200; its last output: …", "GET /health answered
     * 404 for 30 s", "interrupted after 1.2 s, before GET /health answered 200".
     */
    readonly reason: string,
    /** The command, `{port}` substituted. */
    readonly command: string,
    /** Where it was to answer. */
    readonly url: string,
    /** The last lines it printed (stdout and stderr), up to 20. */
    readonly output: readonly string[] = [],
  ) {
    super([`${reason}: ${command}`, ...output].join('\n'))
  }
}

/** A poll of GET /health gets this long for its answer, ms. */
const POLL_TIMEOUT_MS = 1_000

/** The targets not yet stopped: their group (the leader's pid) and the processes known to be theirs. */
const running = new Map<number, Known>()
let guardInstalled = false
function guard(): void {
  if (guardInstalled) return
  guardInstalled = true
  process.on('exit', () => {
    for (const [pgid, known] of running) {
      grow(known, readProcs())
      killGroup(pgid, 'SIGKILL')
      signalKnown(known, 'SIGKILL')
    }
  })
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal)
  } catch {
    // already gone
  }
}

const MAX_LINES = 200
/** Characters kept of a line the target printed. */
const LINE_MAX = 1_000

export interface SpawnOptions {
  /** How long to wait for `GET /health` to answer 200, ms. @default 30000 */
  startupTimeoutMs?: number
  /** @default '127.0.0.1' */
  host?: string
  /** Aborting it while the target starts stops it and rejects with a SpawnError ("interrupted after …"). */
  signal?: AbortSignal
  /** Called once the command is spawned, before GET /health answers: the bench's start-up phase times and pins from here. */
  spawned?: (process: { readonly pid: number; readonly url: string }) => void
}

export async function spawnTarget(command: string, opts: SpawnOptions = {}): Promise<SpawnedTarget> {
  const host = opts.host ?? '127.0.0.1'
  const port = await getPort({ host })
  const cmd = command.replaceAll('{port}', String(port))
  guard()
  const child: ChildProcess = spawn(cmd, { shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORT: String(port), HOST: host } })
  const url = `http://${host}:${port}`
  const t0 = performance.now()
  if (child.pid === undefined) throw new SpawnError('the command could not be started', cmd, url)
  const pid = child.pid
  // Every process of the target, by pid and start time: the shell first, the rest as they are found.
  const known: Known = new Map()
  const start = startOf(pid)
  if (start !== undefined) known.set(pid, start)
  running.set(pid, known)
  opts.spawned?.({ pid, url: `http://${host}:${port}` })
  const lines: string[] = []
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8').on('data', (chunk: string) => {
      // Capped, and its control characters shown rather than obeyed: these lines end up on the terminal.
      for (const line of chunk.split('\n')) if (line.length > 0) lines.push(visibleControls(capText(line, LINE_MAX)))
      if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES)
    })
  }
  let goneWhy: string | undefined
  /** How the process ended, for a start-up failure: "exited with code 1 after 0.4 s". */
  let ended: string | undefined
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      goneWhy = `the target process exited (${signal ?? `code ${code}`})`
      ended = `${signal === null ? `exited with code ${code}` : `was ended by ${signal}`} after ${seconds(performance.now() - t0)}`
      resolve()
    }),
  )
  let stopping: Promise<void> | undefined
  const stop = (graceMs = 5_000): Promise<void> => {
    stopping ??= (async () => {
      // Looked for while the tree still stands: once the shell is gone, an escaped grandchild has no parent link to it.
      grow(known, readProcs())
      if (goneWhy === undefined) {
        killGroup(pid, 'SIGTERM')
        signalKnown(known, 'SIGTERM')
        const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs)
        await exited
        clearTimeout(timer)
      }
      // The shell may be gone while processes it started live on: end the rest of the group, and of what is known.
      grow(known, readProcs())
      killGroup(pid, 'SIGKILL')
      signalKnown(known, 'SIGKILL')
      running.delete(pid)
      // Our ends of the pipes: a process that escaped everything above still holds the other ends,
      // and open pipes would keep the CLI from exiting.
      child.stdout?.destroy()
      child.stderr?.destroy()
    })()
    return stopping
  }
  const limitMs = opts.startupTimeoutMs ?? 30_000
  const deadline = performance.now() + limitMs
  /** Stopped, the error says what was seen and what the target printed last. */
  const fail = async (reason: string): Promise<never> => {
    await stop()
    const output = lines.slice(-20)
    throw new SpawnError(`${reason}${lastOutput(output)}`, cmd, url, output)
  }
  let health: HealthSeen | undefined
  for (;;) {
    if (opts.signal?.aborted) await fail(`interrupted after ${seconds(performance.now() - t0)}, before GET /health answered 200`)
    if (ended !== undefined) await fail(`the command ${ended}, before GET /health answered 200`)
    try {
      const res = await request(`${url}/health`, { headersTimeout: POLL_TIMEOUT_MS, bodyTimeout: POLL_TIMEOUT_MS, ...(opts.signal && { signal: opts.signal }) })
      await res.body.dump()
      if (res.statusCode === 200) break
      health = seen(health, { status: res.statusCode }, performance.now())
    } catch (err) {
      // An interrupt is not an answer; the loop's first check reports it.
      if (!opts.signal?.aborted) health = seen(health, { error: pollError(err, POLL_TIMEOUT_MS) }, performance.now())
    }
    if (performance.now() > deadline && ended === undefined && !opts.signal?.aborted) await fail(neverHealthy(health, limitMs, performance.now()))
    await delay(100, undefined, opts.signal && { signal: opts.signal }).catch(() => undefined)
  }
  // What the target started on its way up, while the parent links to it are there to follow.
  grow(known, readProcs())
  return { url, port, pid, command: cmd, gone: () => goneWhy, output: () => [...lines], stop }
}
