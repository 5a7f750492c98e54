/** Blocking events and the bounded buffer that keeps the most recent ones. */

export interface StackFrame {
  readonly fn: string
  readonly cls?: string
  readonly url: string
  readonly line: number
  readonly column: number
}

export interface BlockingEvent {
  /** How the block was seen: a handler's synchronous part timed, a sync-API tripwire, or the loop heartbeat. */
  readonly source: 'handler' | 'tripwire' | 'heartbeat'
  /** The route pattern (`/block/async-blocking`), or `null` when no handler could be named. */
  route: string | null
  /** `Controller.method`, or `null`. */
  handler: string | null
  /** How long the loop was blocked, ms (for tripwires: the duration of the blocking call). */
  ms: number
  /** Of `ms`, how long the loop thread was runnable but waiting for a CPU (heartbeat events, Linux; when ≥ 1 ms). */
  waitedMs?: number
  /** The blocking call's stack, innermost first, where it was cheaply available. */
  stack?: string[]
  /** The sync API a tripwire caught (`fs.readFileSync`). */
  api?: string
  /** Other routes that were in progress on the loop when the culprit could not be told apart. */
  candidates?: string[]
  /** ISO time the block ended. */
  readonly at: string
}

/** Keeps the last `capacity` events, oldest first. */
export class EventRing {
  readonly #items: BlockingEvent[] = []
  readonly capacity: number
  #total = 0

  constructor(capacity: number) {
    this.capacity = capacity
  }

  push(e: BlockingEvent): void {
    this.#total++
    this.#items.push(e)
    if (this.#items.length > this.capacity) this.#items.shift()
  }

  /** Most recent last. */
  list(): readonly BlockingEvent[] {
    return this.#items
  }

  /** Events ever recorded, including those dropped from the ring. */
  get total(): number {
    return this.#total
  }
}

export function formatFrame(f: StackFrame): string {
  const name = f.cls && f.cls !== 'Object' && f.cls !== 'global' ? `${f.cls}.${f.fn || '<anonymous>'}` : f.fn || '<anonymous>'
  return `${name} (${f.url}:${f.line}:${f.column})`
}
