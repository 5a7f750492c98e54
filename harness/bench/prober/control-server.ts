/**
 * The control server: an idle HTTP server in a small process of its own, which the prober pings
 * at the same instants as the target. Nothing loads it, so whatever its pings wait beyond a
 * round trip is the prober's noise (its own loop, the CPU it shares), shown beside the target's.
 * Like the contract's `GET /ping`, it answers 200 with a small body (`pong`, as the reference).
 *
 * Start it once per run; pin `pid` where the prober runs if the bench pins things, so it
 * measures the same CPU's noise.
 */
import { fork } from 'node:child_process'
import { stopChild } from '../stop-child.ts'

export interface ControlServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly pid: number
  /** Ends the process (SIGKILL after 2 s); resolves once it exited. */
  stop(): Promise<void>
}

/** Start the control server; rejects if it is not listening within `limitMs`. */
export function startControlServer(limitMs = 10_000): Promise<ControlServer> {
  const child = fork(new URL('./control-server.mjs', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] })
  let exited: string | undefined
  child.once('exit', (code, signal) => (exited = `the control server exited (${signal ?? `code ${code}`})`))
  const stop = (): Promise<void> => stopChild(child, () => exited !== undefined, 2_000)
  return new Promise((resolve, reject) => {
    const onExit = (): void => fail(exited ?? 'the control server exited')
    const onError = (err: Error): void => fail(`the control server could not start: ${err.message}`)
    const fail = (why: string): void => {
      clearTimeout(timer)
      child.off('exit', onExit)
      void stop()
      reject(new Error(why))
    }
    const timer = setTimeout(() => fail(`the control server was not listening within ${limitMs} ms`), limitMs)
    child.once('exit', onExit)
    child.on('error', onError)
    child.once('message', (m: { kind?: string; port?: unknown }) => {
      clearTimeout(timer)
      if (m.kind !== 'listening' || typeof m.port !== 'number' || child.pid === undefined) return fail('the control server sent no port')
      child.off('exit', onExit)
      resolve({ url: `http://127.0.0.1:${m.port}`, pid: child.pid, stop })
    })
  })
}
