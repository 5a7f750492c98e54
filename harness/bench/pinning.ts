/**
 * CPU pinning with `taskset` (util-linux): the target on one set of CPUs, the load generator on
 * another, so neither steals the other's CPU. Applied to every thread of every process in the
 * group (`taskset -a`); threads started later inherit it.
 */
import { execFileSync } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { groupPids } from './proc-stats.ts'

export interface CpuPlan {
  /** Whether pinning is possible here (Linux with taskset and at least 2 CPUs). */
  readonly available: boolean
  readonly why?: string
  readonly target: string
  readonly loadgen: string
  readonly all: string
}

/** A taskset CPU list for first..last: "1" rather than "1-1". */
const cpuRange = (first: number, last: number): string => (first === last ? String(first) : `${first}-${last}`)

export function cpuPlan(): CpuPlan {
  const n = availableParallelism()
  const all = cpuRange(0, n - 1)
  if (process.platform !== 'linux') return { available: false, why: 'not Linux', target: all, loadgen: all, all }
  if (n < 2) return { available: false, why: 'only one CPU', target: all, loadgen: all, all }
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' })
  } catch {
    return { available: false, why: 'taskset not installed', target: all, loadgen: all, all }
  }
  // Half the CPUs for each side; on 2 cores: the target on CPU 1, the load generator on CPU 0.
  const half = Math.floor(n / 2)
  return { available: true, target: cpuRange(half, n - 1), loadgen: cpuRange(0, half - 1), all }
}

/** Pin every thread of every process in the group (or of one pid). Returns false if any failed. */
export function pin(pidOrGroup: { pid?: number; pgid?: number }, cpus: string): boolean {
  const pids = pidOrGroup.pgid !== undefined ? groupPids(pidOrGroup.pgid) : pidOrGroup.pid !== undefined ? [pidOrGroup.pid] : []
  let ok = pids.length > 0
  for (const pid of pids) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' })
    } catch {
      ok = false
    }
  }
  return ok
}
