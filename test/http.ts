/** Test helpers: start an app on an ephemeral port and talk to it. */
import type { AppDefinition } from '../impl/index.ts'
import { createApp, silentLogger, type App, type AppOptions, type Logger } from '../impl/index.ts'

export interface Started {
  app: App
  url: string
  logs: { level: string; obj: object; msg: string }[]
  close(): Promise<void>
}

export async function start(def: AppDefinition, options: AppOptions = {}): Promise<Started> {
  const logs: Started['logs'] = []
  const logger: Logger = {
    info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
  }
  // Small pools by default: every worker loads the app (≈0.3 s of CPU), and tests start many apps.
  const app = await createApp(def, { logger: options.logger ?? logger, ...options, pool: { minThreads: 2, maxThreads: 4, ...options.pool } })
  const addr = await app.listen(0)
  return { app, url: `http://127.0.0.1:${addr.port}`, logs, close: () => app.close() }
}

export interface Reply {
  status: number
  headers: Headers
  bytes: Buffer
  text: string
  json(): any // eslint-disable-line @typescript-eslint/no-explicit-any -- test-only convenience
}

export async function request(url: string, init?: RequestInit): Promise<Reply> {
  const res = await fetch(url, init)
  const bytes = Buffer.from(await res.arrayBuffer())
  const text = bytes.toString('utf8')
  return { status: res.status, headers: res.headers, bytes, text, json: () => JSON.parse(text) }
}

/** Run `total` requests with at most `concurrency` in flight (the conformance suites' helper). */
export { withConcurrency as hammer } from '../scenarios/concurrency.ts'

export { silentLogger }

import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface Spawned {
  url: string
  child: ChildProcess
  /** Every line the process wrote to stdout and stderr so far. */
  output: string[]
  /** SIGTERM, then wait for exit (SIGKILL after `graceMs`); resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>
}

const BIN = fileURLToPath(new URL('../bin/unblocked.mjs', import.meta.url))
const live = new Set<ChildProcess>()
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL')
})

/** Start `unblocked serve <target> --port 0` in its own process and wait for its listening line. */
export function spawnServe(target: string, env: Record<string, string> = {}, timeoutMs = 30_000): Promise<Spawned> {
  return spawnListening(process.execPath, [BIN, 'serve', target, '--port', '0'], { env: { LOG_LEVEL: 'info', ...env }, timeoutMs, what: `serve ${target}` })
}

export interface SpawnListeningOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>
  cwd?: string
  timeoutMs?: number
  /** What it is, for errors. */
  what?: string
}

/** Start a server process and wait for the line that says `listening on http://…`. */
export function spawnListening(command: string, args: readonly string[], options: SpawnListeningOptions = {}): Promise<Spawned> {
  const { env = {}, cwd, timeoutMs = 30_000, what = [command, ...args].join(' ') } = options
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  live.add(child)
  const output: string[] = []
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    live.delete(child)
    resolve(code)
  }))
  const stop = async (graceMs = 10_000): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    const code = await exited
    clearTimeout(timer)
    return code
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop(0)
      reject(new Error(`${what} did not report listening within ${timeoutMs} ms:\n${output.join('\n')}`))
    }, timeoutMs)
    const onLine = (line: string): void => {
      output.push(line)
      const m = /listening on (http:\/\/\S+)/.exec(line)
      if (m?.[1] !== undefined) {
        clearTimeout(timer)
        resolve({ url: m[1], child, output, stop })
      }
    }
    for (const stream of [child.stdout, child.stderr]) {
      let buf = ''
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        buf += chunk
        let nl: number
        while ((nl = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, nl))
          buf = buf.slice(nl + 1)
        }
      })
    }
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`${what} exited with ${code} before listening:\n${output.join('\n')}`))
    })
  })
}
