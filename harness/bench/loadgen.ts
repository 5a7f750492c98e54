/** The bench's side of the load generator: one child process, jobs sent one at a time. */
import { fork, type ChildProcess } from 'node:child_process'
import type { ChildMessage, Job, LoadJob, LoadResult } from './loadgen-protocol.ts'
import type { OpenLoopJob, OpenLoopResult } from './open-loop/protocol.ts'

export class LoadGenerator {
  readonly #child: ChildProcess
  readonly #ready: Promise<void>
  #exited: string | undefined

  constructor() {
    this.#child = fork(new URL('./loadgen-entry.mjs', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] })
    this.#child.once('exit', (code, signal) => (this.#exited = `the load generator exited (${signal ?? `code ${code}`})`))
    this.#ready = new Promise((resolve, reject) => {
      this.#child.once('message', (m: ChildMessage) => (m.kind === 'ready' ? resolve() : reject(new Error('load generator failed to start'))))
      this.#child.once('exit', () => reject(new Error(this.#exited)))
    })
  }

  get pid(): number | undefined {
    return this.#child.pid
  }

  ready(): Promise<void> {
    return this.#ready
  }

  /** Run one job; rejects if the child fails or exceeds `limitMs`. */
  async run(job: LoadJob, limitMs: number): Promise<LoadResult> {
    const m = await this.#exchange(job, limitMs)
    if (m.kind === 'result') return m.result
    throw new Error(m.kind === 'error' ? m.message : 'unexpected message')
  }

  /** Run one open-loop job (open-loop/generator.ts); rejects if the child fails or exceeds `limitMs`. */
  async runOpenLoop(job: OpenLoopJob, limitMs: number): Promise<OpenLoopResult> {
    const m = await this.#exchange(job, limitMs)
    if (m.kind === 'open-loop-result') return m.result
    throw new Error(m.kind === 'error' ? m.message : 'unexpected message')
  }

  /** Send one job and wait for the child's answer to it. */
  async #exchange(job: Job, limitMs: number): Promise<ChildMessage> {
    await this.#ready
    if (this.#exited) throw new Error(this.#exited)
    return new Promise((resolve, reject) => {
      const onMessage = (m: ChildMessage): void => {
        cleanup()
        resolve(m)
      }
      const onExit = (): void => {
        cleanup()
        reject(new Error(this.#exited ?? 'the load generator exited'))
      }
      const timer = setTimeout(() => {
        cleanup()
        this.#child.kill('SIGKILL')
        reject(new Error(`the load generator did not finish within ${limitMs} ms`))
      }, limitMs)
      const cleanup = (): void => {
        clearTimeout(timer)
        this.#child.off('message', onMessage)
        this.#child.off('exit', onExit)
      }
      this.#child.on('message', onMessage)
      this.#child.once('exit', onExit)
      this.#child.send(job)
    })
  }

  close(): void {
    if (this.#exited === undefined) this.#child.kill('SIGTERM')
  }
}
