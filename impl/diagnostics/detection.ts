/**
 * Blocking detection that can be switched off and on while serving (the diagnostics endpoint's
 * PUT, when switchable): which monitor loop-side requests report to right now.
 */
import type { Detection } from '../server/parts.ts'
import type { BlockingMonitor } from './monitor.ts'

export class DetectionSwitch implements Detection {
  readonly monitor: BlockingMonitor
  /** The monitor while detection is on. Requests read it once as they start (see `Detection.current`). */
  #current: BlockingMonitor | undefined
  #switching: Promise<void> = Promise.resolve()
  #closed = false

  /** `monitor`: started and armed by the caller when it is enabled; detection starts on exactly then. */
  constructor(monitor: BlockingMonitor) {
    this.monitor = monitor
    this.#current = monitor.enabled ? monitor : undefined
  }

  get current(): BlockingMonitor | undefined {
    return this.#current
  }

  get enabled(): boolean {
    return this.#current !== undefined
  }

  /**
   * Switch detection off or on (the heartbeat, the watchdog, the tripwires, the handler timing).
   * Requests already running finish with the monitor they began with. No-op for a disabled
   * monitor, in the state asked for, or once closed.
   */
  set(enabled: boolean): Promise<void> {
    // One switch at a time: two overlapping PUTs must not start two watchdogs.
    const next = this.#switching.then(async () => {
      const m = this.monitor
      if (this.#closed || !m.enabled || enabled === (this.#current !== undefined)) return
      if (enabled) {
        await m.start()
        m.arm()
        this.#current = m
      } else {
        this.#current = undefined
        await m.stop()
      }
    })
    this.#switching = next.catch(() => {})
    return next
  }

  /** Stop the monitor for good, after any switch under way. */
  close(): Promise<void> {
    this.#closed = true
    return this.#switching.then(async () => {
      this.#current = undefined
      await this.monitor.stop()
    })
  }
}
