import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { parseSchedstat, readTasks, SchedMeter } from './schedstat.ts'

const linux = process.platform === 'linux'

/** Spin the calling thread for `ms`. */
function spin(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end) {
    // busy
  }
}

describe('schedstat', () => {
  it('parses "<cpu ns> <wait ns> <timeslices>", and refuses anything else', () => {
    expect(parseSchedstat('123456789 42000 17\n')).toEqual({ cpuNs: 123456789, waitNs: 42000 })
    expect(parseSchedstat('')).toBeUndefined()
    expect(parseSchedstat('1 2')).toBeUndefined()
    expect(parseSchedstat('1 -2 3')).toBeUndefined()
    expect(parseSchedstat('a b c')).toBeUndefined()
  })

  it.skipIf(!linux)('reads every thread of this process', () => {
    const tasks = readTasks(process.pid)
    expect(tasks?.has(process.pid)).toBe(true) // the main thread's id is the pid
    expect(readTasks(2 ** 22 + 1)).toBeUndefined() // no such process
  })

  it.skipIf(!linux)('a meter counts the CPU a thread used, also after that thread has exited', async () => {
    const meter = new SchedMeter(process.pid, 20)
    // A worker thread that burns ~150 ms of CPU and exits: its numbers leave /proc with it.
    const worker = new Worker('const end = Date.now() + 150; while (Date.now() < end) {}', { eval: true })
    await new Promise<void>((resolve, reject) => worker.once('exit', () => resolve()).once('error', reject))
    spin(30)
    const use = meter.stop()
    expect(use).toBeDefined()
    // Generous: the worker's spin alone is 150 ms of CPU (less only if it waited for a CPU instead).
    expect((use?.cpuMs ?? 0) + (use?.waitMs ?? 0)).toBeGreaterThan(100)
    expect(use?.waitMs).toBeGreaterThanOrEqual(0)
  })

  it.skipIf(!linux)('a process that cannot be read gives no measurement, not zero', () => {
    expect(new SchedMeter(2 ** 22 + 1).stop()).toBeUndefined()
  })
})
