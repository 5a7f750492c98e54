/**
 * A client-disconnect signal that crosses into a worker. The loop sets one shared cell when the
 * client goes away; a worker cannot hear an event while a sync handler runs, so the signal it
 * hands the handler reads the cell whenever it is asked: `signal.aborted` and
 * `signal.throwIfAborted()` are current at every call (an 'abort' listener only fires after such
 * a read). Written by hand: AbortSignal has no constructor to back it with shared memory.
 */

/** A fresh cell: 0 while the client is there, 1 once it left. */
export function cancelCell(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4))
}

export function markGone(cell: Int32Array): void {
  Atomics.store(cell, 0, 1)
}

export function isGone(cell: Int32Array): boolean {
  return Atomics.load(cell, 0) === 1
}

const abortedOf = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')?.get as (this: AbortSignal) => boolean

/** An AbortSignal that aborts, at the next read, once `cell` says the client left. */
export function sharedAbortSignal(cell: Int32Array): AbortSignal {
  const ac = new AbortController()
  const signal = ac.signal
  const check = (): void => {
    if (isGone(cell) && !abortedOf.call(signal)) ac.abort(new Error('the client disconnected'))
  }
  Object.defineProperties(signal, {
    aborted: { get: () => (check(), abortedOf.call(signal)) },
    throwIfAborted: { value: () => (check(), AbortSignal.prototype.throwIfAborted.call(signal)) },
  })
  return signal
}
