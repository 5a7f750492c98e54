import { describe, expect, it } from 'vitest'
import { uniqueKey } from './unique-key.ts'

describe('uniqueKey', () => {
  it('never repeats, and is safe in a query string and a header', () => {
    const keys = Array.from({ length: 100 }, () => uniqueKey('bg'))
    expect(new Set(keys).size).toBe(100)
    for (const k of keys) expect(k).toMatch(/^bg-[0-9a-f]{8}-\d+$/)
  })
})
