/**
 * CPU time and memory of a target's whole process group, or of its process tree, read from /proc
 * (Linux). Elsewhere the readers return `undefined` and the results say the numbers are unavailable.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { alive, grow, readProcs } from '../process-tree.ts'

let ticksPerSecond: number | undefined
/** USER_HZ: the clock ticks per second that /proc/<pid>/stat and /proc/stat count in. */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

/** Fields of /proc/<pid>/stat after the `(comm)` field, which may itself contain spaces. */
function statFields(pid: number): string[] | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return s.slice(s.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}

/** PIDs whose process group is `pgid` (the target's shell and everything it started). */
export function groupPids(pgid: number): number[] {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  const pids: number[] = []
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue
    const f = statFields(Number(e))
    // After `(comm)`: state, ppid, pgrp, … (pgrp is index 2)
    if (f !== undefined && Number(f[2]) === pgid) pids.push(Number(e))
  }
  return pids
}

/** User + system CPU time of the group, ms (live processes only). */
export function groupCpuMs(pgid: number): number | undefined {
  const pids = groupPids(pgid)
  if (pids.length === 0) return undefined
  let ticks = 0
  for (const pid of pids) {
    const f = statFields(pid)
    if (f !== undefined) ticks += Number(f[11]) + Number(f[12]) // utime, stime
  }
  return (ticks / clockTicks()) * 1000
}

/**
 * User + system CPU time of one process, ms: every thread it ran, those that have exited too (the
 * kernel folds their time into the process's). Clock-tick resolution (10 ms on most systems).
 */
export function processCpuMs(pid: number): number | undefined {
  const f = statFields(pid)
  return f === undefined ? undefined : ((Number(f[11]) + Number(f[12])) / clockTicks()) * 1000
}

/** Resident memory of one process, kB; 0 when it exited between the scan and the read. */
function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

/** Resident memory of the group now, bytes. */
export function groupRssBytes(pgid: number): number | undefined {
  const pids = groupPids(pgid)
  if (pids.length === 0) return undefined
  let kb = 0
  for (const pid of pids) kb += rssKb(pid)
  return kb * 1024
}

/**
 * The live processes of the tree `root` leads (known by its pid and start time, so a reused pid
 * is not taken for it): its session and its descendants, as spawn-target.ts finds and stops them.
 */
export function treePids(root: number, start: string): number[] {
  const procs = readProcs()
  return alive(grow(new Map([[root, start]]), procs), procs).map((p) => p.pid)
}

export interface TreeUsage {
  readonly processes: number
  readonly rssBytes: number
  /** User + system time of the processes, and of the children they have reaped (cutime, cstime). */
  readonly cpuMs: number
  readonly threads: number
}

/**
 * RSS, CPU time and threads of these processes now, summed; undefined when none could be read.
 * The reaped children's time is counted so that a tree's CPU since its start includes helpers
 * that already exited (a loader's one-off build process); only an orphan reaped by init is missed.
 */
export function usageOf(pids: readonly number[]): TreeUsage | undefined {
  let processes = 0
  let ticks = 0
  let threads = 0
  let kb = 0
  for (const pid of pids) {
    const f = statFields(pid)
    if (f === undefined) continue
    processes++
    // After `(comm)`, index n is field n + 3: utime 14, stime 15, cutime 16, cstime 17, num_threads 20.
    ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])
    threads += Number(f[17])
    kb += rssKb(pid)
  }
  return processes === 0 ? undefined : { processes, rssBytes: kb * 1024, cpuMs: (ticks / clockTicks()) * 1000, threads }
}

/** Samples the group's RSS every `everyMs` until stopped; returns the peak. */
export function rssSampler(pgid: number, everyMs = 200): { stop(): number | undefined } {
  let peak: number | undefined
  const sample = (): void => {
    const v = groupRssBytes(pgid)
    if (v !== undefined) peak = Math.max(peak ?? 0, v)
  }
  sample()
  const timer = setInterval(sample, everyMs)
  return {
    stop() {
      clearInterval(timer)
      sample()
      return peak
    },
  }
}
