/** The bench's side of the micro-benchmark child (micro/child.ts): fork, pin, run once, collect. */
import { fork } from 'node:child_process'
import type { MicroReport } from './micro.ts'
import type { MicroReply, MicroRequest } from './micro/child.ts'
import { pin } from './pinning.ts'
import { NODE_FLAGS } from './plan.ts'

export interface MicroRun {
  readonly report: MicroReport
  /** The CPU list it was pinned to, or null when it was not. */
  readonly pinned: string | null
  readonly flags: string
}

/** Run the micro-benchmarks in a child pinned to `cpus` (undefined: not pinned), within `limitMs`. */
export function runMicroProcess(timeMs: number, rounds: number, cpus: string | undefined, limitMs: number): Promise<MicroRun> {
  const child = fork(new URL('./micro/entry.mjs', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: NODE_FLAGS.split(' ') })
  return new Promise<MicroRun>((resolve, reject) => {
    let pinned: string | null = null
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the micro-benchmarks did not finish within ${Math.round(limitMs / 1000)} s`))
    }, limitMs)
    const done = (): void => clearTimeout(timer)
    child.on('message', (m: { kind: 'ready' } | MicroReply) => {
      if (m.kind === 'ready') {
        // Pinned before anything runs: the workers it starts inherit the CPU list.
        if (cpus !== undefined && child.pid !== undefined && pin({ pid: child.pid }, cpus)) pinned = cpus
        child.send({ timeMs, rounds } satisfies MicroRequest)
      } else if (m.kind === 'report') {
        done()
        resolve({ report: m.report, pinned, flags: NODE_FLAGS })
      } else {
        done()
        reject(new Error(m.message))
      }
    })
    child.once('exit', (code, signal) => {
      done()
      reject(new Error(`the micro-benchmark process exited (${signal ?? `code ${code}`}) before reporting`))
    })
  })
}
