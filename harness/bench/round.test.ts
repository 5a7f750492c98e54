import { describe, expect, it } from 'vitest'
import { mib, sig, span } from './round.ts'

describe('numbers for the terminal', () => {
  it.each([
    [28_812.4, '28,800'],
    [1553.407, '1,550'],
    [999.7, '1,000'],
    [113.2, '113'],
    [67.54, '67.5'],
    [6.891, '6.89'],
    [0.8715905, '0.872'],
    [0.000123456, '0.000123'],
    [19, '19'],
    [0, '0'],
    [-0.52, '-0.52'],
  ])('%d to 3 significant figures, thousands separated: %s', (x, text) => {
    expect(sig(x)).toBe(text)
  })
  it('no number reads "—"', () => {
    expect([sig(null), sig(undefined), sig(Number.NaN), sig(Infinity)]).toEqual(['—', '—', '—', '—'])
  })
  it('an interval as low–high, each rounded; none reads "—"', () => {
    expect(span([25_512.3, 29_187.9])).toBe('25,500–29,200')
    expect(span([0.7185, 0.9455])).toBe('0.719–0.946')
    expect(span(null)).toBe('—')
  })
  it('bytes as MiB', () => {
    expect(mib(1_071_644_672)).toBe('1,020 MiB')
    expect(mib(undefined)).toBe('—')
  })
})
