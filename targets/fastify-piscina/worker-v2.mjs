// Contract v2's sync work in the fastify-piscina peer's workers (re-exported by worker.mjs, the
// pool's entry). Plain JavaScript, as worker.mjs. What crosses the thread hop is passed by hand:
// the request id as an argument, stream chunks over a MessagePort, work progress in shared memory.
import { workerData } from 'piscina'

const nap = new Int32Array(new SharedArrayBuffer(4))
const sleepSync = (ms) => { if (ms > 0) Atomics.wait(nap, 0, 0, ms) }

// /resources/sync/pool's free-slot count, shared with the loop (targets/shared/slot-pool.ts,
// whose acquire this is: the loop side only releases).
const freeSlots = new Int32Array(workerData.slots)

/** Take a slot of the pool, blocking this worker up to `timeoutMs`; false when none came free. */
export function acquireSlot({ timeoutMs }) {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const free = Atomics.load(freeSlots, 0)
    if (free > 0) {
      if (Atomics.compareExchange(freeSlots, 0, free, free - 1) === free) return true
      continue
    }
    const left = deadline - performance.now()
    if (left <= 0) return false
    Atomics.wait(freeSlots, 0, 0, left)
  }
}

/** The handler of /resources/sync/pool, once its slot is held. */
export function useSlot({ ms }) { sleepSync(ms); return { ok: true } }

/** /stream/sync's iterator, run here: each chunk goes to the loop as it comes, then null. */
export function streamSync({ chunks, ms, port }) {
  try {
    for (let i = 0; i < chunks; i++) {
      sleepSync(ms)
      port.postMessage(`${i}\n`)
    }
  } finally {
    port.postMessage(null)
  }
}

/** /context/sync's handler: the request context does not cross into a worker, so the id comes as an argument. */
export function contextSync({ rid, ms }) { sleepSync(ms); return { rid } }

/** /work/sync: `ms` in 10 ms blocking steps, counted in the loop's shared cell; nothing stops it. */
export function workSync({ ms, steps }) {
  const cell = new Int32Array(steps)
  for (let left = ms; left > 0; left -= 10) {
    sleepSync(Math.min(10, left))
    Atomics.add(cell, 0, 1)
  }
}
