import { describe, expect, it } from 'vitest'
import { selectCases } from './runner.ts'
import { ALL_CASES } from './suites/index.ts'
import { V1_CASE_IDS } from './v1-case-ids.ts'

describe('the frozen v1 case list', () => {
  it('every v1 id still exists (v1 ids never go away), once each', () => {
    const ids = new Set(ALL_CASES.map((c) => c.id))
    expect(V1_CASE_IDS.filter((id) => !ids.has(id))).toEqual([])
    expect(new Set(V1_CASE_IDS).size).toBe(77)
    expect(V1_CASE_IDS).toHaveLength(77)
    expect(Object.isFrozen(V1_CASE_IDS)).toBe(true)
  })

  it('--contract v1 selects exactly those, in run order; v2 selects every case', () => {
    expect(selectCases(ALL_CASES, { contract: 'v1' }).map((c) => c.id).sort()).toEqual([...V1_CASE_IDS].sort())
    expect(selectCases(ALL_CASES, { contract: 'v2' })).toEqual(ALL_CASES)
    // A v1 suite that v2 extends keeps only its v1 cases under v1.
    expect(selectCases(ALL_CASES, { contract: 'v1', suites: ['errors'] }).map((c) => c.id)).toEqual(['errors.sync.exception', 'errors.async.exception', 'errors.not-found', 'errors.method-not-allowed'])
  })

  it('a v2-only suite under v1 selects nothing, and says which contract', () => {
    expect(() => selectCases(ALL_CASES, { contract: 'v1', suites: ['context'] })).toThrow('no case of contract v1 matches the given --suite/--exclude-suite/--case selection (3 of a later contract do)')
    expect(() => selectCases(ALL_CASES, { contract: 'v2', cases: ['zzz.*'] })).toThrow(/^no case matches the given --suite\/--exclude-suite\/--case selection$/)
  })
})
