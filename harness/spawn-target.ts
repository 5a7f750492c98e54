/**
 * Start a target from a shell command on a free port, wait until `GET /health` answers, and stop
 * its whole process tree afterwards. The command runs in its own process group so the shell and
 * everything it started are signalled together; a `process.on('exit')` guard kills the group if
 * the CLI itself dies first.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import getPort from 'get-port'
import { request } from 'undici'

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

const groups = new Set<number>()
let guardInstalled = false
function guard(): void {
  if (guardInstalled) return
  guardInstalled = true
  process.on('exit', () => {
    for (const pgid of groups) killGroup(pgid, 'SIGKILL')
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

export async function spawnTarget(command: string, opts: { startupTimeoutMs?: number; host?: string } = {}): Promise<SpawnedTarget> {
  const host = opts.host ?? '127.0.0.1'
  const port = await getPort({ host })
  const cmd = command.replaceAll('{port}', String(port))
  guard()
  const child: ChildProcess = spawn(cmd, { shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORT: String(port), HOST: host } })
  if (child.pid === undefined) throw new SpawnError(`could not start: ${cmd}`)
  const pid = child.pid
  groups.add(pid)
  const lines: string[] = []
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.length > 0) lines.push(line)
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
      if (goneWhy === undefined) {
        killGroup(pid, 'SIGTERM')
        const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs)
        await exited
        clearTimeout(timer)
      }
      // The shell may be gone while children it started live on: end the rest of the group.
      killGroup(pid, 'SIGKILL')
      groups.delete(pid)
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
  return { url, port, pid, command: cmd, gone: () => goneWhy, output: () => [...lines], stop }
}
