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
import getPort from 'get-port'
import { request } from 'undici'
import { visibleControls } from '../reports/escape.ts'
import { capText } from '../scenarios/one-line.ts'
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

export class SpawnError extends Error {
  override readonly name = 'SpawnError'
}

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
  startupTimeoutMs?: number
  host?: string
  /** Called once the command is spawned, before GET /health answers: the bench's start-up phase times and pins from here. */
  spawned?: (process: { readonly pid: number; readonly url: string }) => void
}

export async function spawnTarget(command: string, opts: SpawnOptions = {}): Promise<SpawnedTarget> {
  const host = opts.host ?? '127.0.0.1'
  const port = await getPort({ host })
  const cmd = command.replaceAll('{port}', String(port))
  guard()
  const child: ChildProcess = spawn(cmd, { shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORT: String(port), HOST: host } })
  if (child.pid === undefined) throw new SpawnError(`could not start: ${cmd}`)
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
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      goneWhy = `the target process exited (${signal ?? `code ${code}`})`
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
  const url = `http://${host}:${port}`
  const deadline = Date.now() + (opts.startupTimeoutMs ?? 30_000)
  for (;;) {
    if (goneWhy !== undefined) {
      await stop()
      throw new SpawnError(`${goneWhy} before answering GET /health: ${cmd}\n${lines.slice(-20).join('\n')}`)
    }
    try {
      const res = await request(`${url}/health`, { headersTimeout: 1_000, bodyTimeout: 1_000 })
      await res.body.dump()
      if (res.statusCode === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new SpawnError(`GET ${url}/health did not answer 200 within ${opts.startupTimeoutMs ?? 30_000} ms: ${cmd}\n${lines.slice(-20).join('\n')}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  // What the target started on its way up, while the parent links to it are there to follow.
  grow(known, readProcs())
  return { url, port, pid, command: cmd, gone: () => goneWhy, output: () => [...lines], stop }
}
