/**
 * The calling thread's scheduler clock, from Linux's /proc/thread-self/schedstat: how long the
 * thread has run on a CPU, and how long it has waited in the run queue — runnable, but with no
 * CPU free. Node 20 has no per-thread CPU clock (process.threadCpuUsage came later), and this
 * file gives one more thing such a clock would not: the wait, which tells "this thread was busy"
 * from "this thread wanted a CPU and did not get one".
 *
 * The file stays open and is re-read at offset 0 (one pread, ~2 µs measured), instead of
 * open/read/close each time. Elsewhere than Linux, `open()` returns undefined and callers go on
 * without the signal.
 */
import fs from 'node:fs'

// Taken when this module loads, before the sync-API tripwires wrap `fs`: reading our own clock
// from the heartbeat is not a handler's blocking call, and must never be reported as one.
const { openSync, readSync, closeSync } = fs

export interface ThreadTimes {
  /** Time on a CPU, ms. */
  readonly runMs: number
  /** Time runnable but waiting for a CPU, ms. */
  readonly waitMs: number
}

export class ThreadClock {
  readonly #fd: number
  readonly #buf = Buffer.alloc(64)

  private constructor(fd: number) {
    this.#fd = fd
  }

  /** A clock for the calling thread (the file names the thread that opened it), or undefined where there is none. */
  static open(): ThreadClock | undefined {
    try {
      const clock = new ThreadClock(openSync('/proc/thread-self/schedstat', 'r'))
      return clock.read() === undefined ? (clock.close(), undefined) : clock
    } catch {
      return undefined
    }
  }

  read(): ThreadTimes | undefined {
    try {
      const n = readSync(this.#fd, this.#buf, 0, this.#buf.length, 0)
      const [run, wait] = this.#buf.toString('latin1', 0, n).split(' ')
      const runMs = Number(run) / 1e6
      const waitMs = Number(wait) / 1e6
      return Number.isFinite(runMs) && Number.isFinite(waitMs) ? { runMs, waitMs } : undefined
    } catch {
      return undefined
    }
  }

  close(): void {
    try {
      closeSync(this.#fd)
    } catch {
      // already closed
    }
  }
}
