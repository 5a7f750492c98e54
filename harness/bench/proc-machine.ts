/**
 * The machine around a trial, from /proc (Linux): the 1-minute load average, and the CPU time the
 * hypervisor stole between two snapshots of /proc/stat (the whole machine's share, or the time
 * stolen from given CPUs). Elsewhere the readers return undefined and the results leave the
 * fields out.
 */
import { readFileSync } from 'node:fs'
import { clockTicks } from './proc-stats.ts'

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

/** The first field of /proc/loadavg text. */
export function parseLoadavg(text: string): number | undefined {
  const v = Number(text.trim().split(/\s+/)[0])
  return text.trim() !== '' && Number.isFinite(v) && v >= 0 ? v : undefined
}

/** The 1-minute load average now. */
export function loadavg1(): number | undefined {
  const text = read('/proc/loadavg')
  return text === undefined ? undefined : parseLoadavg(text)
}

/** Clock ticks of all CPUs together since boot: the total, and the stolen part. */
export interface CpuTicks {
  readonly total: number
  readonly steal: number
}

/**
 * The aggregate "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal guest
 * guest_nice. guest and guest_nice are already inside user and nice, so they are not added again.
 */
export function parseCpuTicks(text: string): CpuTicks | undefined {
  const line = text.split('\n').find((l) => l.startsWith('cpu '))
  const f = line?.trim().split(/\s+/).slice(1, 9).map(Number)
  if (f === undefined || f.length < 8 || f.some((x) => !Number.isFinite(x) || x < 0)) return undefined
  return { total: f.reduce((a, b) => a + b, 0), steal: f[7] as number }
}

export function cpuTicks(): CpuTicks | undefined {
  const text = read('/proc/stat')
  return text === undefined ? undefined : parseCpuTicks(text)
}

/** Stolen share of the CPU time between two snapshots, %; undefined when no time passed. */
export function stealPct(before: CpuTicks, after: CpuTicks): number | undefined {
  const total = after.total - before.total
  if (total <= 0) return undefined
  return Math.max(0, Math.round(((after.steal - before.steal) / total) * 1000) / 10)
}

/** Steal from now until `stop()`. */
export function stealMeter(): { stop(): number | undefined } {
  const before = cpuTicks()
  return {
    stop() {
      const after = cpuTicks()
      return before === undefined || after === undefined ? undefined : stealPct(before, after)
    },
  }
}

/** A CPU list as taskset and /proc write it ("0-2,5") as CPU numbers; undefined when malformed. */
export function parseCpuList(text: string): number[] | undefined {
  const out: number[] = []
  for (const part of text.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part)
    if (m === null) return undefined
    const first = Number(m[1])
    const last = m[2] === undefined ? first : Number(m[2])
    if (last < first) return undefined
    for (let c = first; c <= last; c++) out.push(c)
  }
  return out
}

/** The CPUs this process may run on (its affinity: what taskset pinned it to). */
export function allowedCpus(): number[] | undefined {
  const m = /^Cpus_allowed_list:\s*(\S+)/m.exec(read('/proc/self/status') ?? '')
  return m === null ? undefined : parseCpuList(m[1] as string)
}

/** Steal ticks of each CPU, from the cpuN lines of /proc/stat text. */
export function parsePerCpuSteal(text: string): Map<number, number> {
  const out = new Map<number, number>()
  for (const line of text.split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line)
    const steal = Number(m?.[2]?.trim().split(/\s+/)[7])
    if (m !== null && Number.isFinite(steal)) out.set(Number(m[1]), steal)
  }
  return out
}

/**
 * Time stolen from `cpus` between now and `stop()`, ms per CPU (the mean over them). A vCPU is
 * stolen from only while something on it wants to run (a halted one is not runnable), so for a
 * process pinned alone to one CPU this is time it wanted to run and could not; for one allowed on
 * several CPUs the mean stands in for the one it ran on.
 */
export function cpuStealMeter(cpus: readonly number[]): { stop(): number | undefined } {
  const snapshot = (): Map<number, number> | undefined => {
    const text = read('/proc/stat')
    return text === undefined ? undefined : parsePerCpuSteal(text)
  }
  const before = snapshot()
  return {
    stop() {
      const after = snapshot()
      if (before === undefined || after === undefined || cpus.length === 0) return undefined
      let ticks = 0
      for (const c of cpus) {
        const a = after.get(c)
        const b = before.get(c)
        if (a === undefined || b === undefined) return undefined
        ticks += a - b
      }
      return (ticks / cpus.length / clockTicks()) * 1000
    },
  }
}
