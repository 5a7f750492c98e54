/**
 * Target-supplied text (a body excerpt, a header value, an error message) made safe to embed in a
 * one-line verdict reason: an HTML error page or a multi-line trace must not break the line, and a
 * terminal escape must not reach the terminal.
 */

/** The default cap on embedded text, in characters (the "…" included). */
export const ONE_LINE_MAX = 200

// ANSI/VT escape sequences: CSI (ESC [ … final byte, or its 8-bit form), OSC (ESC ] … BEL or ESC \), and the
// other escapes (ESC, intermediates, a final byte: ESC c, ESC ( B). A lone ESC goes with the control characters.
const ESCAPES = /\u001B\[[0-?]*[ -/]*[@-~]|\u009B[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)?|\u001B[ -/]*[0-~]/g
// Whitespace of every kind, including the line and paragraph separators.
const SPACES = /[\s\u2028\u2029]+/g
// C0 and C1 control characters and DEL, once whitespace has become spaces.
const CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g

/**
 * `text` on one line: escape sequences and control characters removed, every run of whitespace (CR,
 * LF, tabs…) one space, trimmed, and at most `max` characters (cut with "…").
 * @example oneLine('<html>\r\n  <h1>Not Found</h1>\n</html>') // '<html> <h1>Not Found</h1> </html>'
 */
export function oneLine(text: string, max = ONE_LINE_MAX): string {
  const flat = text.replace(ESCAPES, '').replace(SPACES, ' ').replace(CONTROLS, '').trim()
  if (flat.length <= max) return flat
  // Cut by code point, so a surrogate pair is never split.
  return `${Array.from(flat).slice(0, Math.max(0, max - 1)).join('').trimEnd()}…`
}
