/**
 * How a call in the pool is stopped: its time limit, or its client going away. One
 * AbortController per call, handed to piscina, which drops the call if it is still queued and
 * terminates (and replaces) its worker if it is running — the only way to stop a sync function
 * that never returns. `why` says which of the two it was.
 */
export type StopReason = 'timeout' | 'gone'

export class CallLimit {
  readonly ms: number
  readonly #ac = new AbortController()
  readonly #timer: NodeJS.Timeout
  #why: StopReason | undefined

  /** `watch` is given a function to call when the client goes away (the server wires it to the response's close). */
  constructor(ms: number, watch?: (gone: () => void) => void) {
    this.ms = ms
    this.#timer = setTimeout(() => this.#stop('timeout'), ms)
    watch?.(() => this.#stop('gone'))
  }

  #stop(why: StopReason): void {
    if (this.#why !== undefined || this.#cleared) return
    this.#why = why
    this.#ac.abort(why)
  }

  #cleared = false

  get signal(): AbortSignal {
    return this.#ac.signal
  }

  get why(): StopReason | undefined {
    return this.#why
  }

  /** The call settled (or its stream began): nothing stops it any more. */
  clear(): void {
    this.#cleared = true
    clearTimeout(this.#timer)
  }
}
