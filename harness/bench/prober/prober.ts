/**
 * The bench's side of the ping prober: one child process, apart from the load generator and the
 * target, so the pings are not sent from a loop busy generating load (inside autocannon's
 * process, an idle control server read p99 4.6–35 ms).
 *
 * Where it runs is the caller's choice: pin `pid` (pinning.ts `pin`) on a CPU of its own where
 * the machine has one to spare. On 2 cores there is none: it shares the load generator's CPU,
 * and the control server's pings (control-server.ts), sent at the same instants, show how much
 * noise that adds.
 *
 * @example
 * const prober = new Prober()
 * await prober.ready()
 * await prober.connect(job, 10_000) // optional: opens the connections now, so the schedule starts at once
 * const [load, pings] = await Promise.all([loadgen.run(loadJob, limit), prober.probe(job, job.durationMs + 2_000 + 10_000)])
 * await prober.close()
 */
import { fork, type ChildProcess } from 'node:child_process'
import { callChild } from '../child-call.ts'
import { stopChild } from '../stop-child.ts'
import { jobProblem, type Connected, type ProberCommand, type ProberMessage, type ProbeJob, type ProbeResult } from './protocol.ts'

export class Prober {
  readonly #child: ChildProcess
  readonly #ready: Promise<void>
  #exited: string | undefined

  constructor() {
    this.#child = fork(new URL('./entry.mjs', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] })
    this.#child.once('exit', (code, signal) => (this.#exited = `the prober exited (${signal ?? `code ${code}`})`))
    this.#ready = new Promise((resolve, reject) => {
      this.#child.once('message', (m: ProberMessage) => (m.kind === 'ready' ? resolve() : reject(new Error('the prober failed to start'))))
      this.#child.once('exit', () => reject(new Error(this.#exited)))
    })
    // A rejection nobody awaited yet (the caller calls ready() later, or never) is not unhandled.
    this.#ready.catch(() => {})
  }

  /** To pin it; undefined if the process could not be started. */
  get pid(): number | undefined {
    return this.#child.pid
  }

  ready(): Promise<void> {
    return this.#ready
  }

  /**
   * Open the job's connections (target and control) now, so that a `probe` of the same job starts
   * its schedule at once. Without it, `probe` connects first and its schedule starts that much later.
   */
  async connect(job: ProbeJob, limitMs: number): Promise<Connected> {
    const m = await this.#call({ kind: 'connect', job }, 'connected', limitMs)
    return (m as Extract<ProberMessage, { kind: 'connected' }>).connected
  }

  /**
   * Ping on the job's schedule, starting now. Resolves with every scheduled ping accounted for,
   * at most the job's deadline after the schedule ends; rejects if the job is invalid, the child
   * fails, or it takes longer than `limitMs` (the child is then killed).
   */
  async probe(job: ProbeJob, limitMs: number): Promise<ProbeResult> {
    const m = await this.#call({ kind: 'probe', job }, 'result', limitMs)
    return (m as Extract<ProberMessage, { kind: 'result' }>).result
  }

  async #call(command: ProberCommand, want: ProberMessage['kind'], limitMs: number): Promise<ProberMessage> {
    const problem = jobProblem(command.job)
    if (problem !== undefined) throw new RangeError(problem)
    await this.#ready
    if (this.#exited) throw new Error(this.#exited)
    const m = await callChild<ProberMessage>(this.#child, command, limitMs, 'the prober', () => this.#exited)
    if (m.kind === want) return m
    throw new Error(m.kind === 'error' ? m.message : `unexpected message ${m.kind}`)
  }

  /** Stop the child (SIGKILL if it has not exited within `graceMs`); resolves once it exited. */
  async close(graceMs = 2_000): Promise<void> {
    await stopChild(this.#child, () => this.#exited !== undefined, graceMs)
  }
}
