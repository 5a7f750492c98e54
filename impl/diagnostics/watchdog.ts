/**
 * The watchdog thread's lifecycle (its body is watchdog-worker.mjs): it reads the heartbeat from
 * shared memory and, while the loop is blocked, pauses it through the inspector and reads the
 * stack at the blocking call — which names the handler even when it blocks after an `await`
 * (no async_hooks: on this project's machine they cost 15–45% of throughput).
 */
import { readlinkSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import type { Logger } from '../log.ts'
import type { StackFrame } from './events.ts'

/** The stack the watchdog read during the stall that began after the beat `stalledSince`. */
export interface StackSample {
  readonly stalledSince: number
  readonly frames: StackFrame[]
}

/** Frames kept per sample, innermost first. */
const MAX_FRAMES = 16

/** The loop thread's schedstat file as another thread can open it (`/proc/thread-self` names the reader). */
function loopSchedstatPath(): string | undefined {
  try {
    return `/proc/${readlinkSync('/proc/thread-self')}/schedstat`
  } catch {
    return undefined
  }
}

export class Watchdog {
  readonly #log: Logger
  #worker: Worker | undefined

  constructor(log: Logger) {
    this.#log = log
  }

  /** Start the thread on the heartbeat's `beat` buffer; resolves once it watches. Called on the loop thread. */
  async start(beat: SharedArrayBuffer, thresholdMs: number, onSample: (sample: StackSample) => void): Promise<void> {
    const w = new Worker(new URL('./watchdog-worker.mjs', import.meta.url), {
      workerData: { buffer: beat, thresholdMs, maxFrames: MAX_FRAMES, loopSchedstat: loopSchedstatPath() },
    })
    this.#worker = w
    await new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve())
      w.once('error', reject)
    })
    w.on('message', onSample)
    w.on('error', (err) => this.#log.warn({ err }, 'blocking watchdog failed; stacks are no longer sampled'))
    w.unref()
  }

  async stop(): Promise<void> {
    await this.#worker?.terminate()
    this.#worker = undefined
  }
}
