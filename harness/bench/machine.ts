/**
 * The machine's state at each trial: a machine-speed probe (a fixed unit of work, machine-work.ts,
 * timed on the target's CPU just before the trial), the 1-minute load average, and the CPU time
 * stolen by the hypervisor during the trial. A run on a host twice as slow, or next to a busy
 * neighbour, otherwise looks like a quiet one.
 *
 * The probe is a small persistent process (started once, pinned once, warm), so a sample costs
 * one unit of work and a message, not a process start.
 */
import { fork, type ChildProcess } from 'node:child_process'
import type { MachineSample } from '../results/schema.ts'
import type { ProbeAnswer, ProbeRequest } from './machine-child.ts'
import { PROBE_UNIT } from './machine-work.ts'
import { pin } from './pinning.ts'
import { loadavg1, stealMeter } from './proc-machine.ts'

export { PROBE_UNIT } from './machine-work.ts'
export { loadavg1, stealMeter } from './proc-machine.ts'

/** How long the probe's process may take to start, and one sample to come back, ms. */
const START_MS = 30_000
const SAMPLE_MS = 10_000

export class MachineProbe {
  /** What one sample times. */
  readonly unit = PROBE_UNIT
  /** Whether the process was pinned to the CPUs asked for. */
  readonly pinned: boolean
  readonly #child: ChildProcess
  #next = 1
  #gone: string | undefined

  private constructor(child: ChildProcess, pinned: boolean) {
    this.#child = child
    this.pinned = pinned
    child.once('exit', (code, signal) => (this.#gone = `the machine probe exited (${signal ?? `code ${code}`})`))
  }

  /** Start the probe's process, pinned to `cpus` (a taskset list: the target's CPUs) when given. */
  static start(cpus?: string): Promise<MachineProbe> {
    const child = fork(new URL('./machine-entry.mjs', import.meta.url), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] })
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        clearTimeout(timer)
        child.kill('SIGKILL')
        reject(new Error(`the machine probe did not start: ${why}`))
      }
      const timer = setTimeout(() => fail(`not ready within ${START_MS} ms`), START_MS)
      const onExit = (code: number | null, signal: string | null): void => fail(`it exited (${signal ?? `code ${code}`})`)
      child.once('exit', onExit)
      child.once('message', (m: ProbeAnswer) => {
        if (m.kind !== 'ready' || child.pid === undefined) return fail(`unexpected message ${JSON.stringify(m)}`)
        clearTimeout(timer)
        child.off('exit', onExit)
        resolve(new MachineProbe(child, cpus !== undefined && pin({ pid: child.pid }, cpus)))
      })
    })
  }

  /** Time the unit of work once, ms. Rejects when the probe is gone or does not answer. */
  sample(): Promise<number> {
    if (this.#gone !== undefined) return Promise.reject(new Error(this.#gone))
    const id = this.#next++
    const child = this.#child
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer)
        child.off('message', onMessage)
        child.off('exit', onExit)
      }
      const onMessage = (m: ProbeAnswer): void => {
        if (m.kind !== 'sample' || m.id !== id) return
        done()
        resolve(m.ms)
      }
      const onExit = (): void => {
        done()
        reject(new Error(this.#gone ?? 'the machine probe exited'))
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`the machine probe did not answer within ${SAMPLE_MS} ms`))
      }, SAMPLE_MS)
      child.on('message', onMessage)
      child.once('exit', onExit)
      child.send({ kind: 'sample', id } satisfies ProbeRequest)
    })
  }

  /** Stop the probe's process; resolves once it is gone. */
  close(): Promise<void> {
    const child = this.#child
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
    return new Promise((resolve) => {
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  }
}

/**
 * The machine sample of one trial: the probe and the load average now (call it just before the
 * trial), the steal until `after()` (call it when the trial ends). A probe that fails leaves
 * `probeMs` out rather than failing the trial.
 */
export async function machineBefore(probe: MachineProbe | undefined): Promise<{ after(): MachineSample }> {
  let probeMs: number | undefined
  if (probe !== undefined) {
    try {
      probeMs = Math.round((await probe.sample()) * 1000) / 1000
    } catch {
      probeMs = undefined
    }
  }
  const load = loadavg1()
  const steal = stealMeter()
  return {
    after() {
      const stealPct = steal.stop()
      return { ...(probeMs !== undefined && { probeMs }), ...(load !== undefined && { loadavg1: load }), ...(stealPct !== undefined && { stealPct }) }
    },
  }
}
