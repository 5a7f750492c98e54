/**
 * The machine-speed probe's unit of work: SHA-256 over a fixed buffer, a fixed number of times, in
 * one thread. CPU-bound and allocation-light, so its time moves with the CPU the process got (a
 * slower host, a busy neighbour, a throttled core), not with the garbage collector or I/O. About
 * 7 ms on this project's machine (AMD EPYC, SHA extensions), long enough for a 1 ms scheduling
 * hiccup to be a small part of it, short enough to run before every trial.
 */
import { createHash } from 'node:crypto'

const BUFFER_BYTES = 64 * 1024
const ROUNDS = 150

export const PROBE_UNIT = `SHA-256 of a ${BUFFER_BYTES / 1024} KiB buffer × ${ROUNDS} (node:crypto, one thread)`

const buffer = Buffer.alloc(BUFFER_BYTES, 0x5a)

/** Do the unit once; returns how long it took, ms. */
export function timeUnit(): number {
  const t0 = performance.now()
  for (let i = 0; i < ROUNDS; i++) createHash('sha256').update(buffer).digest()
  return performance.now() - t0
}
