/**
 * The machine around a trial, from /proc (Linux): the 1-minute load average, and the share of CPU
 * time the hypervisor stole between two snapshots of /proc/stat. Elsewhere the readers return
 * undefined and the results leave the fields out.
 */
import { readFileSync } from 'node:fs'

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
