import { describe, expect, it } from 'vitest'
import { renderTable, TERMINAL_WIDTH, wrapText } from './terminal-table.ts'

const width = (text: string): number => Math.max(...text.split('\n').map((l) => [...l].length))
const LONG = 'a flag that says a good deal more than one column of a table can hold on one line'

describe('a terminal table', () => {
  it('sizes columns to their content and wraps the one that may wrap, within the width', () => {
    const out = renderTable([{ head: 'target' }, { head: 'req/s', align: 'right' }, { head: 'flags', wrap: true }], [['reference', '28,800', LONG]], { width: 60 })
    expect(width(out)).toBe(60)
    // the long cell over several lines, every word of it; the other columns whole on the first
    const body = out.split('\n').filter((l) => l.startsWith('│')).slice(1)
    expect(body.length).toBeGreaterThan(2)
    expect(body.map((l) => l.split('│')[3]?.trim()).join(' ')).toBe(LONG)
    expect(body[0]).toMatch(/^│ reference │ 28,800 │ a flag/)
  })
  it('keeps short content at its natural width', () => {
    const out = renderTable([{ head: 'target' }, { head: 'flags', wrap: true }], [['express', '']])
    expect(width(out)).toBeLessThan(30)
  })
  it('without row lines, lines only around headings: a section reads as a list', () => {
    const out = renderTable([{ head: 'target' }, { head: 'req/s', align: 'right' }], [{ heading: 'json-async' }, ['reference', '1'], ['express', '2'], { heading: 'cpu-sync' }, ['reference', '3']], { rowLines: false })
    const lines = out.split('\n')
    const at = (s: string): number => lines.findIndex((l) => l.includes(s))
    expect(at('express') - at('reference')).toBe(1)
    expect(lines[at('json-async') + 1]).toMatch(/^├─+┬─+┤$/)
    expect(lines[at('cpu-sync') - 1]).toMatch(/^├─+┴─+┤$/)
    expect(lines.filter((l) => /┼/.test(l))).toHaveLength(0)
    // with row lines (the default), one between the two rows of a section
    const all = renderTable([{ head: 'target' }, { head: 'req/s' }], [['reference', '1'], ['express', '2']]).split('\n')
    expect(all.filter((l) => /^├─+┼─+┤$/.test(l))).toHaveLength(2)
  })
  it('draws no colour codes: its output goes to CI logs and pipes too', () => {
    expect(renderTable([{ head: 'a' }], [['b']])).not.toMatch(/\u001b/)
  })
})

describe('a wrapped note', () => {
  it('breaks at word boundaries within the width, indenting the lines after the first', () => {
    const text = wrapText(`${LONG}, ${LONG}`, '  ✗ ', 50)
    const lines = text.split('\n')
    expect(lines.length).toBeGreaterThan(2)
    expect(lines[0]).toMatch(/^ {2}✗ a flag/)
    for (const l of lines.slice(1)) expect(l).toMatch(/^ {4}\S/)
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(50)
    expect(text.replace(/\s+/g, ' ').trim()).toBe(`✗ ${LONG}, ${LONG}`)
  })
  it('fits the terminal width by default', () => {
    expect(wrapText('x '.repeat(200)).split('\n').every((l) => [...l].length <= TERMINAL_WIDTH)).toBe(true)
  })
})
