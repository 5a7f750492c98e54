import { describe, expect, it } from 'vitest'
import { LoadgenUseSchema } from '../results/schema.ts'
import { loadgenUse, SATURATED_BUSY_PCT } from './loadgen-use.ts'

describe('load generator use', () => {
  it('busy counts CPU, run-queue wait and steal over the wall time', () => {
    const u = loadgenUse('wrk', { cpuMs: 1000, waitMs: 300, stealMs: 500, wallMs: 2000 })
    expect(u).toEqual({ driver: 'wrk', cpuMs: 1000, cpuPct: 50, waitMs: 300, stealMs: 500, busyPct: 90, saturated: 90 >= SATURATED_BUSY_PCT })
    expect(LoadgenUseSchema.parse(u)).toEqual(u)
  })

  it('a generator short of CPU only because others held it is still saturated', () => {
    // 45% CPU, the rest waiting for its CPU: it never had time to spare.
    expect(loadgenUse('autocannon', { cpuMs: 900, waitMs: 1050, wallMs: 2000 }).saturated).toBe(true)
    expect(loadgenUse('autocannon', { cpuMs: 900, waitMs: 20, wallMs: 2000 }).saturated).toBe(false)
  })

  it('where /proc says nothing, busy is the CPU share alone, and the fields are left out', () => {
    const u = loadgenUse('autocannon', { cpuMs: 1990, wallMs: 2000 })
    expect(u).toEqual({ driver: 'autocannon', cpuMs: 1990, cpuPct: 99.5, busyPct: 99.5, saturated: true })
  })
})
