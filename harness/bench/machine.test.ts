import { describe, expect, it } from 'vitest'
import { MachineSampleSchema } from '../results/schema.ts'
import { machineBefore, MachineProbe, PROBE_UNIT } from './machine.ts'
import { cpuPlan } from './pinning.ts'
import { allowedCpus, cpuStealMeter, parseCpuList, parseCpuTicks, parseLoadavg, parsePerCpuSteal, stealPct } from './proc-machine.ts'

const linux = process.platform === 'linux'

// Captured from this project's machine (a 2-CPU KVM guest).
const PROC_STAT = `cpu  1672268 970 305012 1770401 1285 0 49123 2020 0 0
cpu0 802922 459 149971 921696 262 0 19813 1020 0 0
cpu1 869345 511 155040 848705 1022 0 29310 1000 0 0
intr 123 0 0
`

describe('/proc readers', () => {
  it('the 1-minute load average is the first field of /proc/loadavg', () => {
    expect(parseLoadavg('4.76 6.21 5.24 5/130 25665\n')).toBe(4.76)
    expect(parseLoadavg('')).toBeUndefined()
    expect(parseLoadavg('x 1 2')).toBeUndefined()
  })

  it('the aggregate cpu line: total ticks over the eight fields, steal the eighth', () => {
    expect(parseCpuTicks(PROC_STAT)).toEqual({ total: 1672268 + 970 + 305012 + 1770401 + 1285 + 0 + 49123 + 2020, steal: 2020 })
    expect(parseCpuTicks('cpu0 1 2 3\n')).toBeUndefined() // no aggregate line
    expect(parseCpuTicks('cpu  1 2 3\n')).toBeUndefined() // too few fields
  })

  it('steal of each CPU: the eighth field of its cpuN line', () => {
    expect(parsePerCpuSteal(PROC_STAT)).toEqual(new Map([[0, 1020], [1, 1000]]))
  })

  it('CPU lists as taskset and /proc/<pid>/status write them', () => {
    expect(parseCpuList('0-2,5')).toEqual([0, 1, 2, 5])
    expect(parseCpuList('1')).toEqual([1])
    expect(parseCpuList('2-1')).toBeUndefined()
    expect(parseCpuList('x')).toBeUndefined()
  })

  it.skipIf(!linux)('this process\'s CPUs and the time stolen from them are readable', () => {
    const cpus = allowedCpus()
    expect(cpus?.length).toBeGreaterThan(0)
    expect(cpuStealMeter(cpus ?? []).stop()).toBeGreaterThanOrEqual(0)
    expect(cpuStealMeter([]).stop()).toBeUndefined()
    expect(cpuStealMeter([4096]).stop()).toBeUndefined() // no such CPU: unknown, not zero
  })

  it('steal % between two snapshots', () => {
    expect(stealPct({ total: 1000, steal: 10 }, { total: 1200, steal: 30 })).toBe(10)
    expect(stealPct({ total: 1000, steal: 10 }, { total: 1000, steal: 10 })).toBeUndefined() // no time passed
  })
})

describe('the machine-speed probe', () => {
  it('times its unit of work in its own process, pinned where asked, and says what the unit is', async () => {
    const plan = cpuPlan()
    const probe = await MachineProbe.start(plan.available ? plan.target : undefined)
    try {
      expect(probe.unit).toBe(PROBE_UNIT)
      expect(probe.unit).toMatch(/^SHA-256 of a 64 KiB buffer × \d+/)
      expect(probe.pinned).toBe(plan.available)
      const ms = [await probe.sample(), await probe.sample(), await probe.sample()]
      for (const x of ms) {
        expect(x).toBeGreaterThan(0)
        expect(x).toBeLessThan(5_000) // generous: ~7 ms here, slower hosts and busy neighbours allowed
      }
    } finally {
      await probe.close()
    }
    await expect(probe.sample()).rejects.toThrow('the machine probe exited')
  })

  it.skipIf(!linux)('a trial\'s machine sample: probe and load average before, steal over the trial; fits results.json', async () => {
    const probe = await MachineProbe.start()
    try {
      const m = await machineBefore(probe)
      await new Promise((r) => setTimeout(r, 100))
      const sample = m.after()
      expect(MachineSampleSchema.parse(sample)).toEqual(sample)
      expect(sample.probeMs).toBeGreaterThan(0)
      expect(sample.loadavg1).toBeGreaterThanOrEqual(0)
      expect(sample.stealPct).toBeGreaterThanOrEqual(0)
    } finally {
      await probe.close()
    }
  })

  it('without a probe (or with one gone) the sample leaves probeMs out instead of failing the trial', async () => {
    const probe = await MachineProbe.start()
    await probe.close()
    expect((await machineBefore(probe)).after().probeMs).toBeUndefined()
    expect((await machineBefore(undefined)).after().probeMs).toBeUndefined()
  })
})
