/**
 * The no-op server the load generator's ceiling is measured against: node:http answering every
 * request 200 with a tiny JSON body, in its own process (pinned where targets go), so that what
 * limits requests/s is the load generator or node:http itself, never work done per request. No
 * target built on node:http can answer faster on the same CPU.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { stopChild } from './stop-child.ts'

export const NOOP_BODY = '{"ok":true}'
const HEADERS = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(NOOP_BODY)) }

export function createNoopServer(): Server {
  return createServer((_req, res) => {
    res.writeHead(200, HEADERS)
    res.end(NOOP_BODY)
  })
}

/** How long the server's process may take to start and listen. */
const START_MS = 30_000

/** The no-op server in a child process of its own (noop-server-child.ts). */
export class NoopServer {
  readonly url: string
  readonly pid: number
  readonly #child: ChildProcess

  private constructor(child: ChildProcess, pid: number, port: number) {
    this.#child = child
    this.pid = pid
    this.url = `http://127.0.0.1:${port}`
  }

  static start(): Promise<NoopServer> {
    const child = fork(new URL('./noop-server-entry.mjs', import.meta.url), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] })
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        clearTimeout(timer)
        child.kill('SIGKILL')
        reject(new Error(`the no-op server did not start: ${why}`))
      }
      const timer = setTimeout(() => fail(`no port within ${START_MS} ms`), START_MS)
      child.once('exit', (code, signal) => fail(`it exited (${signal ?? `code ${code}`})`))
      child.once('message', (m: unknown) => {
        const port = (m as { port?: unknown } | null)?.port
        if (typeof port !== 'number' || child.pid === undefined) return fail(`unexpected message ${JSON.stringify(m)}`)
        clearTimeout(timer)
        child.removeAllListeners('exit')
        resolve(new NoopServer(child, child.pid, port))
      })
    })
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs = 2_000): Promise<void> {
    return stopChild(this.#child, () => false, graceMs)
  }
}
