import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { alive, grow, parseStat, readProcs, startOf, type Known, type Proc } from './process-tree.ts'

const p = (pid: number, ppid: number, sid: number, start = `s${pid}`, state = 'S'): Proc => ({ pid, ppid, sid, start, state })

describe('parseStat', () => {
  it('reads pid, ppid, session and start time, whatever the command name holds', () => {
    const line = '4242 (we(ird) name) S 4200 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 100 18446744073709551615'
    expect(parseStat(line)).toEqual({ pid: 4242, ppid: 4200, sid: 4242, start: '987654', state: 'S' })
    expect(parseStat('garbage')).toBeUndefined()
  })

  it('agrees with this process', () => {
    const me = readProcs().find((x) => x.pid === process.pid)
    expect(me?.ppid).toBe(process.ppid)
    expect(startOf(process.pid)).toBe(me?.start)
  })
})

describe('grow: what a spawned target started', () => {
  // 100: the shell (session leader); 101: its server; 102: a grandchild that called setsid (its own session);
  // 103: a child of 102, in 102's session; 104: in 100's session, its parent gone (reparented to 1);
  // 200: someone else's; 105: a child of someone else's 200.
  const procs = [p(1, 0, 1), p(100, 1, 100), p(101, 100, 100), p(102, 101, 102), p(103, 102, 102), p(104, 1, 100), p(200, 1, 200), p(105, 200, 200)]

  it('follows the session and the parent links, and nothing else', () => {
    const known: Known = new Map([[100, 's100']])
    expect([...grow(known, procs).keys()].sort()).toEqual([100, 101, 102, 103, 104])
  })

  it('a session outlives its leader: members are found after the shell exited', () => {
    const known: Known = new Map([[100, 's100']])
    expect([...grow(known, procs.filter((x) => x.pid !== 100)).keys()].sort()).toEqual([100, 101, 102, 103, 104])
  })

  it('a known pid reused by another process leads nowhere', () => {
    const known: Known = new Map([[100, 's100']])
    const reused = procs.map((x) => (x.pid === 100 ? p(100, 1, 100, 'later') : x))
    expect([...grow(known, reused).keys()]).toEqual([100])
    expect(alive(known, reused)).toEqual([])
  })

  it('alive: known, same start time, not a zombie', () => {
    const known: Known = new Map([[101, 's101'], [102, 's102'], [103, 'other']])
    expect(alive(known, [p(101, 1, 1), p(102, 1, 1, 's102', 'Z'), p(103, 1, 1)]).map((x) => x.pid)).toEqual([101])
  })

  it('finds a real detached grandchild through its parent', async () => {
    // A child that starts a detached (setsid) grandchild and prints its pid; both end within 10 s by themselves.
    const code = "const c = require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { detached: true, stdio: 'ignore' }); console.log(c.pid); setTimeout(() => {}, 10000)"
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] })
    let grandchild = 0
    try {
      grandchild = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))))
      const known: Known = new Map([[child.pid as number, startOf(child.pid as number) as string]])
      grow(known, readProcs())
      expect(known.has(grandchild)).toBe(true)
      const g = readProcs().find((x) => x.pid === grandchild)
      expect(g?.sid).toBe(grandchild) // it did leave the session
    } finally {
      child.kill('SIGKILL')
      if (grandchild > 1) process.kill(grandchild, 'SIGKILL')
    }
  })
})
