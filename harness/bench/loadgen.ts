/** The bench's side of the load generator: one child process, jobs sent one at a time. */
import { fork, type ChildProcess } from 'node:child_process'
import type { ChildMessage, Job, LoadJob, LoadResult } from './loadgen-protocol.ts'
import type { OpenLoopJob, OpenLoopResult } from './open-loop/protocol.ts'
import { callChild } from './child-call.ts'

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
    return callChild<ChildMessage>(this.#child, job, limitMs, 'the load generator', () => this.#exited)
  }

  close(): void {
    if (this.#exited === undefined) this.#child.kill('SIGTERM')
  }
}
