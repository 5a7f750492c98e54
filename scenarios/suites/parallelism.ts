/**
 * The sync-parallelism estimator of `capacity.sync-parallelism` (contract v2), pure: from the
 * completion times of a burst of equal blocking requests sent at once, how many ran at once.
 *
 * P = the completions within `windowMs` of the *first* completion. Not `burst / waves`: a pool
 * that starts its threads one by one, or a client that sends the burst over a few ms, spreads the
 * first wave, and a count of waves then reads too low or too high; the first wave ends together
 * (give or take that skew) and the next one only a whole sleep later.
 */

/** @default 250 — generous against start-up skew, well under the burst's 500 ms sleep. */
export const PARALLELISM_WINDOW_MS = 250
/** @default 100 */
export const HISTOGRAM_BUCKET_MS = 100

export interface ParallelismEstimate {
  /** The completions within the window of the first one (0 when none completed). */
  readonly parallelism: number
  /** As shown: `≥ 64` when the whole burst completed in the first window (more might run at once), else the number. */
  readonly shown: string
  /** The first completion, ms after the burst was sent; absent when none completed. */
  readonly firstMs?: number
}

/** The estimate from `completionsMs` (ms after the burst was sent, any order) of a burst of `sent` requests. */
export function estimateParallelism(completionsMs: readonly number[], sent: number, windowMs = PARALLELISM_WINDOW_MS): ParallelismEstimate {
  if (completionsMs.length === 0) return { parallelism: 0, shown: '0' }
  const first = Math.min(...completionsMs)
  const parallelism = completionsMs.filter((t) => t <= first + windowMs).length
  return { parallelism, shown: parallelism >= sent ? `≥ ${sent}` : String(parallelism), firstMs: first }
}

/**
 * Completions per `bucketMs` bucket: `[bucket start ms, count]` for every non-empty bucket, in
 * time order (a bucket holds [start, start + bucketMs)).
 * @example histogram([510, 530, 1020], 100) // [[500, 2], [1000, 1]]
 */
export function histogram(valuesMs: readonly number[], bucketMs = HISTOGRAM_BUCKET_MS): [number, number][] {
  const counts = new Map<number, number>()
  for (const v of valuesMs) {
    const start = Math.floor(v / bucketMs) * bucketMs
    counts.set(start, (counts.get(start) ?? 0) + 1)
  }
  return [...counts.entries()].sort((a, b) => a[0] - b[0])
}
