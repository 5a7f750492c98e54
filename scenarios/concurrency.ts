/** Bounded concurrency: `total` calls, at most `concurrency` in flight. Results keep call order. */
export async function withConcurrency<T>(total: number, concurrency: number, one: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(total)
  let next = 0
  const lanes = Array.from({ length: Math.min(concurrency, total) }, async () => {
    while (next < total) {
      const i = next++
      out[i] = await one(i)
    }
  })
  await Promise.all(lanes)
  return out
}
