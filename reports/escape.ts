/**
 * Escaping for everything a target sent. Target responses are untrusted: a hostile target must
 * not be able to inject markup into a Markdown or HTML report.
 */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => HTML[ch] as string)
}

/**
 * Text safe inside a Markdown table cell: HTML-escaped (GitHub renders inline HTML), Markdown
 * punctuation that could start links, emphasis or code neutralised, pipes and newlines flattened.
 */
export function escapeMarkdownCell(s: string, max = 200): string {
  const flat = s.replace(/\r?\n/g, ' ⏎ ')
  const cut = flat.length > max ? `${flat.slice(0, max)}…` : flat
  return escapeHtml(cut).replace(/([\\`*_[\]()#!|~])/g, '\\$1')
}
