/**
 * Target-supplied text (a body excerpt, a header value, an error message) made safe to embed in a
 * one-line verdict reason: an HTML error page or a multi-line trace must not break the line, and a
 * terminal escape must not reach the terminal. And every piece of it capped, with a marker that
 * says how much was left out (`… 11,982 bytes more`): a 12 KiB header value once made a 906 KB
 * JUnit file of 26 cases (issue 14).
 */

/** The default cap on embedded text, in characters (the marker comes on top). */
export const ONE_LINE_MAX = 200

// ANSI/VT escape sequences: CSI (ESC [ … final byte, or its 8-bit form), OSC (ESC ] … BEL or ESC \), and the
// other escapes (ESC, intermediates, a final byte: ESC c, ESC ( B). A lone ESC goes with the control characters.
const ESCAPES = /\u001B\[[0-?]*[ -/]*[@-~]|\u009B[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)?|\u001B[ -/]*[0-~]/g
// Whitespace of every kind, including the line and paragraph separators.
const SPACES = /[\s\u2028\u2029]+/g
// C0 and C1 control characters and DEL, once whitespace has become spaces.
const CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g

/** The marker of a cut: `… 11,982 bytes more` (the UTF-8 bytes left out). */
export function moreMarker(bytesLeftOut: number): string {
  return `… ${bytesLeftOut.toLocaleString('en-US')} byte${bytesLeftOut === 1 ? '' : 's'} more`
}

/** The first `max` characters of `text` (all of it when shorter), never half a surrogate pair. */
export function headOf(text: string, max: number): string {
  if (text.length <= max) return text
  const code = text.charCodeAt(max - 1)
  // A high surrogate at the end of the kept part would lose its pair: keep one character less.
  return text.slice(0, max > 0 && code >= 0xd800 && code <= 0xdbff ? max - 1 : max)
}

/**
 * `text` cut after `max` characters, marked with how much was left out; unchanged when it fits.
 * @example capText('x'.repeat(12_288), 300) // 'xxx…x… 11,988 bytes more'
 */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text
  const kept = headOf(text, max)
  return `${kept}${moreMarker(Buffer.byteLength(text, 'utf8') - Buffer.byteLength(kept, 'utf8'))}`
}

/**
 * `text` on one line: escape sequences and control characters removed, every run of whitespace (CR,
 * LF, tabs…) one space, trimmed, and cut after `max` characters (`capText`).
 * @example oneLine('<html>\r\n  <h1>Not Found</h1>\n</html>') // '<html> <h1>Not Found</h1> </html>'
 */
export function oneLine(text: string, max = ONE_LINE_MAX): string {
  const flat = text.replace(ESCAPES, '').replace(SPACES, ' ').replace(CONTROLS, '').trim()
  return capText(flat, max)
}

/** The cap of every string a case's result carries (`capStrings`), and of a reason. */
export const TEXT_MAX = 1000
/** Entries kept of an array or object in a case's result: far more than a ping timeline has (3,500 in 35 s). */
export const ENTRIES_MAX = 10_000
const DEPTH_MAX = 16

/**
 * A copy of `value` (a case's expected/actual/data) with every string capped (`capText`), arrays and
 * objects cut after `ENTRIES_MAX` entries (the cut noted in a last entry) and nesting cut at 16
 * levels: whatever a case passes along from the target, the report stays bounded.
 */
export function capStrings(value: unknown, max = TEXT_MAX, depth = 0): unknown {
  if (typeof value === 'string') return capText(value, max)
  if (typeof value !== 'object' || value === null) return value
  if (depth >= DEPTH_MAX) return '… nested too deep'
  if (Array.isArray(value)) {
    const kept = value.slice(0, ENTRIES_MAX).map((v) => capStrings(v, max, depth + 1))
    return value.length > ENTRIES_MAX ? [...kept, `… ${(value.length - ENTRIES_MAX).toLocaleString('en-US')} entries more`] : kept
  }
  const entries = Object.entries(value)
  const out: Record<string, unknown> = {}
  for (const [k, v] of entries.slice(0, ENTRIES_MAX)) out[capText(k, max)] = capStrings(v, max, depth + 1)
  if (entries.length > ENTRIES_MAX) out['…'] = `${(entries.length - ENTRIES_MAX).toLocaleString('en-US')} keys more`
  return out
}
