/**
 * A variant target: another configuration of a running target, switched in its own process for
 * the variant's trials rather than started as a second process. Two processes of the same code
 * differ by 10–15% in requests/s on a shared machine (measured on this project's machine: ten
 * interleaved pairs, each pair's faster process stayed faster), which is more than the cost a
 * variant is there to measure.
 */
import type { VariantSwitch } from '../../targets/spec.ts'

export interface Variant {
  /** The target whose process the variant runs in. */
  readonly of: string
  /** Where and what to PUT, from the variant's registry entry (targets/spec.ts). */
  readonly switch: VariantSwitch
}

/**
 * PUT one of the states: `before`, the variant's (ahead of each of the variant's trials);
 * `after`, the host's own (ahead of each of the host's). Throws naming what went wrong.
 */
export async function switchVariant(baseUrl: string, v: Variant, which: 'before' | 'after', timeoutMs = 10_000): Promise<void> {
  const url = new URL(v.switch.path, baseUrl)
  const body = which === 'before' ? v.switch.variant : v.switch.host
  const what = `could not switch ${v.of} (${which === 'before' ? 'before the trial' : 'back to its own state'}: PUT ${url.pathname}`
  let res: Response
  try {
    res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) })
  } catch (err) {
    throw new Error(`${what}): ${(err as Error).message}`)
  }
  const text = await res.text()
  if (!res.ok) throw new Error(`${what} answered ${res.status}: ${text.slice(0, 200)})`)
}
