/**
 * A table for the terminal, drawn by cli-table3, that fits a width: every column as wide as its
 * widest cell, and the one column that may wrap (a description, a list of flags) gets what the
 * others leave. No colours: the output is read in CI logs and pipes as often as in a terminal.
 */
import Table from 'cli-table3'

/** The width the bench's end-of-run output keeps to, in columns. */
export const TERMINAL_WIDTH = 100

export interface Column {
  readonly head: string
  /** @default 'left' */
  readonly align?: 'left' | 'right'
  /** This column wraps onto more lines to keep the table within the width (at most one per table). */
  readonly wrap?: boolean
}

/** A row of cells, one per column, or a heading that spans the whole table. */
export type Row = readonly string[] | { readonly heading: string }

/** Characters a string takes on the terminal (every character the bench prints is one column wide). */
const columnsOf = (s: string): number => Math.max(0, ...s.split('\n').map((line) => [...line].length))

/** Padding on each side of a cell, as cli-table3 draws it. */
const PAD = 1
/** The narrowest a wrapping column is made, content width: narrower reads as a column of syllables. */
const MIN_WRAP = 16

/** A data row drawn with these has no line above it: cli-table3 skips a border line that draws as nothing. */
const NO_LINE_ABOVE = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } as const

export interface TableOptions {
  /** @default TERMINAL_WIDTH */
  readonly width?: number
  /**
   * A line between every two rows; without, lines only around headings (rows of one line each
   * read as a list, and a section stays on the screen).
   * @default true
   */
  readonly rowLines?: boolean
}

export function renderTable(columns: readonly Column[], rows: readonly Row[], { width = TERMINAL_WIDTH, rowLines = true }: TableOptions = {}): string {
  const cells = rows.filter((r): r is readonly string[] => !('heading' in r))
  const natural = columns.map((c, i) => Math.max(columnsOf(c.head), ...cells.map((r) => columnsOf(r[i] ?? ''))) + 2 * PAD)
  const borders = columns.length + 1
  const fixed = natural.reduce((sum, w, i) => sum + (columns[i]?.wrap ? 0 : w), 0)
  const widths = natural.map((w, i) => (columns[i]?.wrap ? Math.min(w, Math.max(MIN_WRAP + 2 * PAD, width - fixed - borders)) : w))
  const table = new Table({
    head: columns.map((c) => c.head),
    colWidths: widths,
    colAligns: columns.map((c) => c.align ?? 'left'),
    wordWrap: true,
    wrapOnWordBoundary: true,
    style: { head: [], border: [], 'padding-left': PAD, 'padding-right': PAD },
  })
  rows.forEach((r, i) => {
    if ('heading' in r) return void table.push([{ content: r.heading, colSpan: columns.length }])
    const above = rows[i - 1]
    const line = rowLines || above === undefined || 'heading' in above
    table.push(line ? [...r] : r.map((content) => ({ content, chars: NO_LINE_ABOVE })))
  })
  return table.toString()
}

/**
 * `text` wrapped at word boundaries to lines of at most `width` columns, the first starting with
 * `first` and the rest indented as deep (a note under a table). A word longer than a line stays whole.
 */
export function wrapText(text: string, first = '  ', width = TERMINAL_WIDTH): string {
  const indent = ' '.repeat([...first].length)
  const lines: string[] = []
  let line = first
  for (const word of text.split(' ').filter(Boolean)) {
    const candidate = line === first || line === indent ? `${line}${word}` : `${line} ${word}`
    if ([...candidate].length > width && line !== first && line !== indent) {
      lines.push(line)
      line = `${indent}${word}`
    } else line = candidate
  }
  lines.push(line)
  return lines.join('\n')
}
