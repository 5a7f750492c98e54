/**
 * Escaping for everything a target sent. Target responses are untrusted: a hostile target must
 * not be able to inject markup into a Markdown or HTML report, nor drive the terminal that shows
 * a run (a target once redrew a FAIL line as a PASS with a carriage return and C1 escapes).
 */
import { capText } from '../scenarios/one-line.ts'

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => HTML[ch] as string)
}

// What a terminal or a renderer may obey rather than show: C0 controls (CR, LF, ESC, BEL, …), DEL,
// C1 controls (U+009B is a CSI on its own; U+0085 a line break), the line and paragraph separators,
// and the bidirectional overrides and isolates that reorder what is shown.
const CONTROLS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g

/**
 * `s` with every control character shown as a `\u001b`-style escape instead of obeyed: the text of a
 * report, safe to print on a terminal, whatever a target put in it.
 * @example visibleControls('\r\u001b[32mPASS') // '\\u000d\\u001b[32mPASS'
 */
export function visibleControls(s: string): string {
  return s.replace(CONTROLS, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * Text safe inside a Markdown table cell: line breaks shown as ⏎ (CR, LF and CRLF alike), other
 * control characters as escapes (`visibleControls`), cut after `max` characters (`capText`),
 * Markdown punctuation that could start links, emphasis or code neutralised, pipes escaped, then
 * HTML-escaped (GitHub renders inline HTML) — in that order, so that no backslash lands inside an
 * entity (`&\#39;` shows as text, not as an apostrophe).
 */
export function escapeMarkdownCell(s: string, max = 200): string {
  const flat = visibleControls(capText(s, max).replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, ' ⏎ ').replace(/\t/g, ' '))
  return escapeHtml(flat.replace(/([\\`*_[\]()#!|~])/g, '\\$1'))
}
