// Worker functions of the fastify-piscina peer: what a careful Node developer writes by hand to
// keep sync work off the event loop. Plain JavaScript so piscina loads it with no tooling. The
// counters live in a SharedArrayBuffer from workerData; the lock is a small futex on Atomics.
import { createHash } from 'node:crypto'
import { workerData } from 'piscina'

export * from './worker-v2.mjs'

const cells = new Int32Array(workerData.shared) // [0] locked counter, [1] its lock, [2] unsafe counter
const nap = new Int32Array(new SharedArrayBuffer(4))
const sleepSync = (ms) => { if (ms > 0) Atomics.wait(nap, 0, 0, ms) }

function withLock(fn) {
  while (Atomics.compareExchange(cells, 1, 0, 1) !== 0) Atomics.wait(cells, 1, 1)
  try { return fn() } finally { Atomics.store(cells, 1, 0); Atomics.notify(cells, 1, 1) }
}

export function sha256Chain({ n }) {
  let d = createHash('sha256').update('unblocked', 'ascii').digest()
  for (let i = 0; i < n; i++) d = createHash('sha256').update(d).digest()
  return d.toString('hex')
}

const BYTES = Uint8Array.of(0x00, 0x01, 0x62, 0x69, 0x6e)
/** Values of /coerce/sync/*, as { status, type, body } (JSON bodies as values). */
export function coerce({ name }) {
  switch (name) {
    case 'dict': return { json: { kind: 'dict', n: 1 } }
    case 'model': return { json: { id: 7, name: 'widget' } }
    case 'dataclass': return { json: { x: 1, y: 2 } }
    case 'str': return { text: 'hello, world' }
    case 'unicode': return { text: 'héllo ✓' }
    case 'none': return { status: 204 }
    case 'created': return { status: 201, json: { created: true } }
    case 'response': return { status: 202, headers: { 'x-passthrough': '1' }, text: 'raw' }
    case 'int': return { json: 42 }
    case 'float': return { json: 3.5 }
    case 'list': return { json: [1, 2, 3] }
    case 'bool': return { json: true }
    case 'bytes': return { bytes: BYTES }
    default: throw new Error(`unknown value ${name}`)
  }
}

export function echo(value) { return value }

export function blockSync({ ms }) { sleepSync(ms); return { slept: ms } }

export function counter({ kind, op }) {
  if (kind === 'locked') {
    if (op === 'inc') return withLock(() => { const v = Atomics.load(cells, 0) + 1; Atomics.store(cells, 0, v); return v })
    if (op === 'reset') return withLock(() => Atomics.store(cells, 0, 0))
    return Atomics.load(cells, 0)
  }
  if (op === 'inc') { const seen = Atomics.load(cells, 2); sleepSync(1); Atomics.store(cells, 2, seen + 1); return seen + 1 }
  if (op === 'reset') return Atomics.store(cells, 2, 0)
  return Atomics.load(cells, 2)
}

export function scopeRequest({ tag }) {
  const store = { tag }
  const first = store
  sleepSync(20)
  return { tag: store.tag, same: first === store }
}

export function transient() {
  class Stamp {}
  return { distinct: new Stamp() !== new Stamp() }
}

export function fail() { throw new Error('deliberate failure in a sync handler') }
