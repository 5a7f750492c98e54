/** Blocking events, the bounded buffer that keeps the most recent ones, and the log that records them. */
import type { Logger } from '../log.ts'
import { projectRelative } from './project-paths.ts'

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

/** Records events: kept in a ring, each one logged as a warning. */
export class EventLog {
  readonly #ring: EventRing
  readonly #log: Logger
  #lastAt = 0

  constructor(capacity: number, log: Logger) {
    this.#ring = new EventRing(capacity)
    this.#log = log
  }

  record(event: BlockingEvent, message?: string): void {
    this.#lastAt = Date.now()
    this.#ring.push(event)
    this.#log.warn({ blocking: event }, message ?? `event loop blocked ${event.ms} ms${event.handler ? ` by ${event.handler}` : ''}`)
  }

  /** The most recent event. */
  last(): BlockingEvent | undefined {
    return this.#ring.list().at(-1)
  }

  /** When the last event was recorded (epoch ms; 0 before any). */
  get lastAt(): number {
    return this.#lastAt
  }

  /** Most recent last. */
  list(): readonly BlockingEvent[] {
    return this.#ring.list()
  }

  /** Events ever recorded, including those dropped from the ring. */
  get total(): number {
    return this.#ring.total
  }
}

/** Tenths of a millisecond are as precise as these timings are. */
export const ms1 = (x: number): number => Math.round(x * 10) / 10

/** One sampled frame as a stack line, its path project-relative (project-paths.ts). */
export function formatFrame(f: StackFrame): string {
  const name = f.cls && f.cls !== 'Object' && f.cls !== 'global' ? `${f.cls}.${f.fn || '<anonymous>'}` : f.fn || '<anonymous>'
  return `${name} (${projectRelative(f.url)}:${f.line}:${f.column})`
}
