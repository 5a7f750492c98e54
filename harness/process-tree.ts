/**
 * The processes a spawned target started, found in /proc (Linux) and not by name: its session —
 * the target is started as a session leader, so everything it starts shares its session id — and
 * the parent links, which also reach a process that left the session (`setsid`) while its parent
 * lives. Each process is known by its pid and start time, so that a pid reused by someone else's
 * process is never signalled. Without /proc (macOS) nothing is found: the process group is all.
 */
import { readdirSync, readFileSync } from 'node:fs'

export interface Proc {
  readonly pid: number
  readonly ppid: number
  /** The session id (field 6 of /proc/<pid>/stat): the pid of the session's leader. */
  readonly sid: number
  /** Start time since boot, in clock ticks (field 22): with the pid, it names one process for good. */
  readonly start: string
  /** 'Z' for a zombie: dead, only waiting to be reaped. */
  readonly state: string
}

/** One /proc/<pid>/stat line; undefined when it cannot be parsed. */
export function parseStat(line: string): Proc | undefined {
  // The command name (field 2) is in parentheses and may hold spaces and ')': the fields resume after the last ')'.
  const close = line.lastIndexOf(')')
  const pid = Number.parseInt(line, 10)
  if (close < 0 || !Number.isInteger(pid)) return undefined
  const f = line.slice(close + 2).split(' ')
  // f[0] is field 3 (state): field n is f[n - 3].
  const [state, ppid, sid, start] = [f[0], Number(f[1]), Number(f[3]), f[19]]
  if (state === undefined || start === undefined || !Number.isInteger(ppid) || !Number.isInteger(sid)) return undefined
  return { pid, ppid, sid, start, state }
}

/** Every process readable in /proc now (none without /proc). */
export function readProcs(root = '/proc'): Proc[] {
  let names: string[]
  try {
    names = readdirSync(root)
  } catch {
    return []
  }
  const procs: Proc[] = []
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue
    try {
      const p = parseStat(readFileSync(`${root}/${name}/stat`, 'utf8'))
      if (p !== undefined) procs.push(p)
    } catch {
      // it exited between the listing and the read
    }
  }
  return procs
}

/** Known processes: pid → start time. */
export type Known = Map<number, string>

/**
 * Adds to `known` every process of `procs` it leads to: a child of a known process, or a member of
 * a session a known process leads (or led: a session outlives its leader). A known pid whose
 * process has another start time now is someone else's, and leads nowhere. Returns `known`.
 */
export function grow(known: Known, procs: readonly Proc[]): Known {
  const byPid = new Map(procs.map((p) => [p.pid, p]))
  const ours = (pid: number): boolean => {
    const start = known.get(pid)
    if (start === undefined) return false
    const now = byPid.get(pid)
    return now === undefined || now.start === start
  }
  // Each round adds the next generation; a tree deeper than 64 is not a server's.
  for (let added = true, rounds = 0; added && rounds < 64; rounds++) {
    added = false
    for (const p of procs) {
      if (!known.has(p.pid) && (ours(p.ppid) || ours(p.sid))) {
        known.set(p.pid, p.start)
        added = true
      }
    }
  }
  return known
}

/** The known processes alive now (zombies are dead), as they are in `procs`. */
export function alive(known: Known, procs: readonly Proc[]): Proc[] {
  return procs.filter((p) => known.get(p.pid) === p.start && p.state !== 'Z')
}

/** Signal every known process still alive, checked by start time just before; returns how many were signalled. */
export function signalKnown(known: Known, signal: NodeJS.Signals): number {
  let n = 0
  for (const p of alive(known, readProcs())) {
    try {
      process.kill(p.pid, signal)
      n++
    } catch {
      // gone meanwhile
    }
  }
  return n
}

/** The start time of `pid` now, or undefined when there is no such process (or no /proc). */
export function startOf(pid: number): string | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.start
  } catch {
    return undefined
  }
}
