/**
 * Streamed bodies arriving from workers (loop side; the worker side is stream-out.ts). A call's
 * task settles only when its stream has ended, so the pool races the task against the stream's
 * head: whichever comes first decides whether the call answers with a whole body (almost every
 * call) or a stream, whose chunks then arrive as messages. The body handed to the writer grants
 * the worker a credit for each chunk it takes, and cancels the stream when it is closed early.
 */
import { CANCELLED, CREDITS, isStreamMessage, type StreamMessage } from './stream-out.ts'
import type { BodyStream } from '../response.ts'

/** A call whose body streams: its head, and the body the writer pulls. */
export interface StreamStart {
  readonly stream: true
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: BodyStream
}

interface Open {
  /** Until the head comes: how to answer the race with a stream. */
  start: ((s: StreamStart) => void) | undefined
  readonly chunks: (Uint8Array | string)[]
  ended: boolean
  failed: Error | undefined
  control: Int32Array | undefined
  /** The body waiting for the next message. */
  wake: (() => void) | undefined
}

export class StreamIntake {
  readonly #open = new Map<number, Open>()

  /**
   * Settles with `task`'s result when the call answered with a whole body, or with a stream as
   * soon as the worker sends call `id`'s head. The task's result and the stream's messages travel
   * on different ports, so a short stream's result may come first: a result that says it
   * `streamed` waits for its head.
   */
  race<T extends { readonly streamed?: unknown }>(id: number, task: Promise<T>): Promise<T | StreamStart> {
    return new Promise((resolve, reject) => {
      const open: Open = { start: resolve, chunks: [], ended: false, failed: undefined, control: undefined, wake: undefined }
      this.#open.set(id, open)
      task.then(
        (value) => {
          // Streaming: the head (if not here yet) and the end come as messages.
          if (open.start === undefined || value.streamed !== undefined) return
          this.#open.delete(id)
          resolve(value)
        },
        (err: unknown) => {
          if (open.start !== undefined) {
            this.#open.delete(id)
            reject(err)
            return
          }
          // The worker died mid-stream: the body fails, and the writer cuts the connection.
          open.failed ??= err instanceof Error ? err : new Error(String(err))
          open.wake?.()
        },
      )
    })
  }

  /** A message from a worker; anything that is not about a stream is ignored. */
  receive(message: unknown): void {
    if (!isStreamMessage(message)) return
    const open = this.#open.get(message.stream)
    if (open === undefined) return // a stream already closed (the client left)
    this.#take(message, open)
  }

  #take(m: StreamMessage, open: Open): void {
    switch (m.type) {
      case 'head': {
        const start = open.start
        open.start = undefined
        open.control = new Int32Array(m.control)
        start?.({ stream: true, status: m.status, headers: m.headers, body: this.#body(m.stream, open) })
        return
      }
      case 'chunk':
        open.chunks.push(m.chunk)
        break
      case 'end':
        open.ended = true
        break
      case 'error':
        open.failed = new Error(m.message)
        break
    }
    open.wake?.()
  }

  async *#body(id: number, open: Open): BodyStream {
    const control = open.control as Int32Array
    try {
      for (;;) {
        const chunk = open.chunks.shift()
        if (chunk !== undefined) {
          // The writer takes this chunk: the worker may produce one more.
          Atomics.add(control, CREDITS, 1)
          Atomics.notify(control, CREDITS)
          yield chunk
          continue
        }
        if (open.failed !== undefined) throw open.failed
        if (open.ended) return
        await new Promise<void>((wake) => (open.wake = wake))
        open.wake = undefined
      }
    } finally {
      this.#open.delete(id)
      if (!open.ended && open.failed === undefined) {
        // Closed early (the client left): the worker closes the iterator before its next chunk.
        Atomics.store(control, CANCELLED, 1)
        Atomics.notify(control, CREDITS)
      }
    }
  }
}
