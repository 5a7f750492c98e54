/**
 * Whether the load generator had time to spare. CPU time alone misses a generator that was ready
 * to run but could not: waiting for its CPU behind another process (run-queue wait), or with its
 * vCPU taken by the hypervisor (steal, 30–40% of the time under load on this project's machine).
 * busy = CPU + run-queue wait + steal, over the wall time. A closed-loop generator that is not the bottleneck spends part of every round trip
 * idle, waiting for answers; one that is the bottleneck never is.
 */
import type { LoadgenUse } from '../results/schema.ts'
import type { DriverName, DriverUse } from './drivers/driver.ts'

/**
 * busyPct at or above which the generator counts as saturated. Measured (one CPU each, generator
 * on CPU 0, server on CPU 1, 50 connections, 2 s): BUSY_MEASUREMENTS_TBD.
 */
export const SATURATED_BUSY_PCT = 90

const pct = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0)
const round1 = (x: number): number => Math.round(x * 10) / 10

export function loadgenUse(driver: DriverName, use: DriverUse): LoadgenUse {
  const busyPct = pct(use.cpuMs + (use.waitMs ?? 0) + (use.stealMs ?? 0), use.wallMs)
  return {
    driver,
    cpuMs: round1(use.cpuMs),
    cpuPct: pct(use.cpuMs, use.wallMs),
    ...(use.waitMs !== undefined && { waitMs: round1(use.waitMs) }),
    ...(use.stealMs !== undefined && { stealMs: round1(use.stealMs) }),
    busyPct,
    saturated: busyPct >= SATURATED_BUSY_PCT,
  }
}
