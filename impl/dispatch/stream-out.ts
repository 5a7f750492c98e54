/**
 * A streamed body leaving a worker (worker side; the loop side is streams.ts). A sync handler's
 * iterator runs here, in its worker, so a generator that blocks between chunks never blocks the
 * loop. Each chunk goes to the loop as a message on the worker's parent port (piscina re-emits
 * those as 'message' events) — the task itself ends only with the stream, so the pool counts
 * the worker busy all along.
 *
 * Backpressure: the worker may run ahead of the client by `CREDITS_AHEAD` chunks. The loop
 * grants one credit per chunk the socket took; with none left the worker sleeps on the control
 * cell (Atomics.wait — a worker may block). The loop also sets the cancelled cell when the client
 * leaves: the iterator is then closed (`return()`, running its `finally`) before its next chunk.
 */
import { parentPort } from 'node:worker_threads'
import type { BodyStream, SyncBodyStream, WireResponse } from '../response.ts'

/** Control cells: [0] credits left, [1] 1 once the loop cancelled the stream. */
export const CREDITS = 0
export const CANCELLED = 1
/** Chunks a worker may produce before the client took any. */
export const CREDITS_AHEAD = 2
/** How long a worker sleeps between checks while it has no credit, ms (a notify wakes it at once). */
const WAIT_SLICE_MS = 1000

/** Messages from a worker about call `stream`'s body, in order on one port. */
export type StreamMessage =
  | { readonly stream: number; readonly type: 'head'; readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly control: SharedArrayBuffer }
  | { readonly stream: number; readonly type: 'chunk'; readonly chunk: Uint8Array | string }
  | { readonly stream: number; readonly type: 'end' }
  | { readonly stream: number; readonly type: 'error'; readonly message: string }

export function isStreamMessage(m: unknown): m is StreamMessage {
  return typeof m === 'object' && m !== null && typeof (m as { stream?: unknown }).stream === 'number'
}

export type StreamEnding = 'ended' | 'disconnected' | 'failed'

function post(m: StreamMessage): void {
  parentPort?.postMessage(m)
}

/** Wait for a credit; false once the loop cancelled. */
function credit(control: Int32Array): boolean {
  for (;;) {
    if (Atomics.load(control, CANCELLED) === 1) return false
    const left = Atomics.load(control, CREDITS)
    if (left > 0) return true
    Atomics.wait(control, CREDITS, left, WAIT_SLICE_MS)
  }
}

/** Send `response`'s head and every chunk of its body to the loop, as call `id`'s stream. */
export async function streamOut(id: number, response: WireResponse<BodyStream | SyncBodyStream>): Promise<StreamEnding> {
  const control = new Int32Array(new SharedArrayBuffer(8))
  control[CREDITS] = CREDITS_AHEAD
  post({ stream: id, type: 'head', status: response.status, headers: response.headers, control: control.buffer as SharedArrayBuffer })
  const body = response.body
  const it: Iterator<Uint8Array | string> | AsyncIterator<Uint8Array | string> = Symbol.asyncIterator in body ? body[Symbol.asyncIterator]() : body[Symbol.iterator]()
  try {
    for (;;) {
      if (!credit(control)) {
        await it.return?.()
        return 'disconnected'
      }
      const step = await it.next()
      if (step.done === true) break
      Atomics.sub(control, CREDITS, 1)
      post({ stream: id, type: 'chunk', chunk: step.value })
    }
    post({ stream: id, type: 'end' })
    return 'ended'
  } catch (err) {
    post({ stream: id, type: 'error', message: err instanceof Error ? err.message : String(err) })
    return 'failed'
  }
}
