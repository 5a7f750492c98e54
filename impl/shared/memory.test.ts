import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import type { UnblockedError } from '../errors.ts'
import { SharedMemory } from './memory.ts'
import { Mutex, sleepSync } from './mutex.ts'

/**
 * Runs `body` in `n` real worker threads that attach to `mem` (TypeScript loaded through tsx,
 * as the pool's workers do). `body` gets `mem` (a SharedMemory over the same buffer) and `i`.
 */
async function inWorkers(mem: SharedMemory, n: number, body: string): Promise<unknown[]> {
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    (async () => {
      const { register } = await import('tsx/esm/api'); register();
      const { SharedMemory } = await import(workerData.memoryUrl);
      const { sleepSync } = await import(workerData.mutexUrl);
      const mem = new SharedMemory(workerData.buffer);
      const i = workerData.i;
      const result = await (async () => { ${body} })();
      parentPort.postMessage(result);
    })().catch((err) => { console.error(err); process.exit(1) });`
  const runs = Array.from({ length: n }, (_, i) => new Promise<unknown>((resolve, reject) => {
    const w = new Worker(code, {
      eval: true,
      workerData: { buffer: mem.buffer, i, memoryUrl: new URL('./memory.ts', import.meta.url).href, mutexUrl: new URL('./mutex.ts', import.meta.url).href },
    })
    w.once('message', resolve)
    w.once('error', reject)
    w.once('exit', (code) => code !== 0 && reject(new Error(`worker exited ${code}`)))
  }))
  return Promise.all(runs)
}

describe('SharedMemory', () => {
  it('a name gives the same cells in every thread, whatever the allocation order', async () => {
    const mem = new SharedMemory()
    mem.int('first').store(11)
    const seen = await inWorkers(mem, 3, `
      if (i === 1) mem.int('late-' + i); // different orders in different threads
      mem.int('from-worker').add(1);
      return mem.int('first').load();`)
    expect(seen).toEqual([11, 11, 11])
    expect(mem.int('from-worker').load()).toBe(3)
  })

  it('rejects a name reused with another size, empty or over-long names, and exhaustion', () => {
    const mem = new SharedMemory(undefined, 64)
    mem.int32('block', 4)
    expect(() => mem.int32('block', 8)).toThrow(expect.objectContaining({ code: 'UNB_ERR_SHARED_CONFLICT' }) as UnblockedError)
    expect(() => mem.int('')).toThrow(/1–64 UTF-8 bytes/)
    expect(() => mem.int('x'.repeat(65))).toThrow(/1–64 UTF-8 bytes/)
    expect(() => mem.int32('big', 100)).toThrow(expect.objectContaining({ code: 'UNB_ERR_SHARED_EXHAUSTED' }) as UnblockedError)
  })
})

describe('Mutex across worker threads', () => {
  it('a lock-protected read-modify-write never loses an update', async () => {
    const mem = new SharedMemory()
    await inWorkers(mem, 4, `
      const n = mem.int('n'); const lock = mem.mutex('lock');
      for (let k = 0; k < 2000; k++) lock.withLock(() => { const v = n.load(); n.store(v + 1) });`)
    expect(mem.int('n').load()).toBe(8000)
  })

  it('the same read-modify-write without the lock loses updates when threads overlap', async () => {
    const mem = new SharedMemory()
    await inWorkers(mem, 4, `
      const n = mem.int('n');
      for (let k = 0; k < 50; k++) { const v = n.load(); sleepSync(1); n.store(v + 1) }`)
    expect(mem.int('n').load()).toBeLessThan(200)
  })

  it('lockAsync waits without blocking the loop and withLock releases on throw', async () => {
    const cells = new Int32Array(new SharedArrayBuffer(4))
    const m = new Mutex(cells, 0)
    m.lock()
    expect(m.tryLock()).toBe(false)
    let acquired = false
    const waiting = m.lockAsync().then(() => (acquired = true))
    await new Promise((r) => setTimeout(r, 20))
    expect(acquired).toBe(false) // still waiting, and this timer ran: the loop was free
    m.unlock()
    await waiting
    expect(acquired).toBe(true)
    m.unlock()
    expect(() => m.withLock(() => { throw new Error('boom') })).toThrow('boom')
    expect(m.tryLock()).toBe(true)
  })

  it('sleepSync blocks for about the asked time', () => {
    const t0 = performance.now()
    sleepSync(30)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29)
  })
})
