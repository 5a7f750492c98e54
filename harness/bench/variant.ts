/**
 * A variant target: another configuration of a running target, switched in its own process for
 * the variant's trials rather than started as a second process. Two processes of the same code
 * differ by 10–15% in requests/s on a shared machine (measured on this project's machine: ten
 * interleaved pairs, each pair's faster process stayed faster), which is more than the cost a
 * variant is there to measure.
 */
export interface Variant {
  /** The target whose process the variant runs in. */
  readonly of: string
  /** Where to switch: a PUT of `before` ahead of each of the variant's trials, and of `after` once it ends. */
  readonly path: string
  readonly before: unknown
  readonly after: unknown
}

/** PUT one of the variant's states; throws naming what went wrong. */
export async function switchVariant(baseUrl: string, v: Variant, which: 'before' | 'after', timeoutMs = 10_000): Promise<void> {
  const url = new URL(v.path, baseUrl)
  let res: Response
  try {
    res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(v[which]), signal: AbortSignal.timeout(timeoutMs) })
  } catch (err) {
    throw new Error(`could not switch ${v.of} (${which} the trial: PUT ${url.pathname}): ${(err as Error).message}`)
  }
  const text = await res.text()
  if (!res.ok) throw new Error(`could not switch ${v.of} (${which} the trial: PUT ${url.pathname} answered ${res.status}: ${text.slice(0, 200)})`)
}
