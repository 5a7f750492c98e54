/**
 * A call's time limit in the pool. One AbortController per call, handed to piscina, which drops
 * the call if it is still queued and terminates (and replaces) its worker if it is running — the
 * only way to stop a sync function that never returns.
 */
export class CallLimit {
  readonly ms: number
  readonly #ac = new AbortController()
  readonly #timer: NodeJS.Timeout
  #expired = false

  constructor(ms: number) {
    this.ms = ms
    this.#timer = setTimeout(() => {
      this.#expired = true
      this.#ac.abort(new Error(`the call did not finish within ${ms} ms`))
    }, ms)
  }

  get signal(): AbortSignal {
    return this.#ac.signal
  }

  /** Whether the limit passed (and the call was stopped). */
  get expired(): boolean {
    return this.#expired
  }

  /** The call settled (or its stream began): the limit no longer applies. */
  clear(): void {
    clearTimeout(this.#timer)
  }
}
