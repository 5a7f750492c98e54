/** A case's pause (an idle, the wait between two polls) that the case's stop cuts short. */
import { setTimeout as wait } from 'node:timers/promises'

/**
 * Resolves after `ms` (a negative `ms` counts as 0); rejects with an `AbortError` as soon as
 * `signal` aborts, so that a case stopped at its deadline or by an interrupt does not sit out its idle.
 */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await wait(Math.max(0, ms), undefined, signal === undefined ? undefined : { signal })
}
