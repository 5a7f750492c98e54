import { describe, expect, it } from 'vitest'
import { CpuAllowance, packingBalancer, type LoadBalancer } from './cpus.ts'

type Workers = Parameters<LoadBalancer>[1]
type Task = Parameters<LoadBalancer>[0]

const workers = (...usage: number[]): Workers => usage.map((currentUsage, id) => ({ id, currentUsage, isRunningAbortableTask: false }) as unknown as Workers[number])
const task = (isAbortable = false) => ({ isAbortable }) as unknown as Task
const pick = (b: LoadBalancer, ws: Workers, t = task()) => b(t, ws)?.id ?? null

describe('CpuAllowance', () => {
  it('re-reads the CPUs at most every `everyMs`, capped at the worker count, never below 1', async () => {
    let cpus = 2
    let reads = 0
    const a = new CpuAllowance(4, { everyMs: 20, read: () => (reads++, cpus) })
    expect(a.now).toBe(2)
    cpus = 1
    expect(a.now).toBe(2) // not re-read yet
    expect(reads).toBe(1)
    await new Promise((r) => setTimeout(r, 30))
    expect(a.now).toBe(1)
    cpus = 64
    await new Promise((r) => setTimeout(r, 30))
    expect(a.now).toBe(4)
    cpus = 0
    await new Promise((r) => setTimeout(r, 30))
    expect(a.now).toBe(1)
  })
})

describe('packingBalancer', () => {
  const balancer = (k: number, overdue = false) => packingBalancer(() => k, { maximumUsage: 4, overdue: () => overdue })

  it('keeps tasks on the first `active` workers while they keep up, however busy, below the maximum', () => {
    expect(pick(balancer(1), workers(3, 0))).toBe(0) // one CPU: the idle second worker is not woken
    expect(pick(balancer(2), workers(3, 1, 0))).toBe(1) // two CPUs: the less busy of the first two
    expect(pick(balancer(2), workers(0, 0))).toBe(0)
  })

  it('spills to the other workers when the first are full, or overdue; null when all are full', () => {
    expect(pick(balancer(1), workers(4, 2, 1))).toBe(2)
    expect(pick(balancer(1, true), workers(1, 0))).toBe(1) // a held-up worker: the next task starts elsewhere
    expect(pick(balancer(1, true), workers(0, 0))).toBe(0) // an idle worker is not held up
    expect(pick(balancer(1, true), workers(2))).toBe(0) // nowhere else to go
    expect(pick(balancer(1), workers(4, 4))).toBeNull()
  })

  it('as piscina: skips workers running an abortable task, and gives an abortable task an idle worker', () => {
    const ws = workers(0, 1, 0)
    ;(ws[0] as { isRunningAbortableTask: boolean }).isRunningAbortableTask = true
    expect(pick(balancer(2), ws)).toBe(1)
    expect(pick(balancer(2), ws, task(true))).toBe(2)
  })
})
