import { describe, expect, it } from 'vitest'
import { LoadgenUseSchema } from '../results/schema.ts'
import { loadgenUse, SATURATED_BUSY_PCT } from './loadgen-use.ts'

describe('load generator use', () => {
  it('busy counts CPU and run-queue wait over the wall time; steal is shown beside it, not counted', () => {
    const u = loadgenUse('wrk', { cpuMs: 1000, waitMs: 300, stealMs: 500, wallMs: 2000 })
    expect(u).toEqual({ driver: 'wrk', cpuMs: 1000, cpuPct: 50, waitMs: 300, stealMs: 500, busyPct: 65, saturated: 65 >= SATURATED_BUSY_PCT })
    expect(LoadgenUseSchema.parse(u)).toEqual(u)
  })

  it('a generator short of CPU only because others held it is still saturated', () => {
    // 45% CPU, the rest waiting for its CPU: it never had time to spare.
    expect(loadgenUse('autocannon', { cpuMs: 900, waitMs: 1050, wallMs: 2000 }).saturated).toBe(true)
    expect(loadgenUse('autocannon', { cpuMs: 900, waitMs: 20, wallMs: 2000 }).saturated).toBe(false)
  })

  it('at most 100%', () => {
    expect(loadgenUse('autocannon', { cpuMs: 1500, waitMs: 620, wallMs: 2075 }).busyPct).toBe(100)
  })

  it('where /proc says nothing, busy is the CPU share alone, and the fields are left out', () => {
    const u = loadgenUse('autocannon', { cpuMs: 1990, wallMs: 2000 })
    expect(u).toEqual({ driver: 'autocannon', cpuMs: 1990, cpuPct: 99.5, busyPct: 99.5, saturated: true })
  })
})
