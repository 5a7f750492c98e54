/**
 * The contract's data and work, shared by the Node targets. Each target still writes its
 * responses with its own framework's API. (The conformance checker computes digests itself, in
 * scenarios/, so a bug here cannot make a target agree with its checker.)
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'

export const BYTES = Buffer.from([0x00, 0x01, 0x62, 0x69, 0x6e])
export const Item = z.object({ name: z.string(), qty: z.number().int() })
/** The "validated model" returned by the model coercion endpoints. */
export const Widget = z.object({ id: z.number().int(), name: z.string() })

/** Block the calling thread (on the loop, that is the point of the baseline). */
const cell = new Int32Array(new SharedArrayBuffer(4))
export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(cell, 0, 0, ms)
}

/** d0 = SHA-256("unblocked"), then d = SHA-256(d) `rounds` times over the raw 32 bytes; hex. */
export function sha256Chain(rounds: number): string {
  let d = createHash('sha256').update('unblocked', 'ascii').digest()
  for (let i = 0; i < rounds; i++) d = createHash('sha256').update(d).digest()
  return d.toString('hex')
}

export class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

export class Stamp {}

/** Contract v2's query bounds: `ms` as in v1, `chunks` of a stream, the length of a task `key`. */
export const MAX_MS = 10_000
export const MAX_CHUNKS = 1000
export const MAX_KEY_LENGTH = 200

/** A task key (`/background/*`, `/work/*`): a non-empty string of at most MAX_KEY_LENGTH, or undefined. */
export function keyParam(raw: unknown): string | undefined {
  return typeof raw === 'string' && raw.length > 0 && raw.length <= MAX_KEY_LENGTH ? raw : undefined
}

/** Parse a non-negative integer query value within `max`, or undefined. */
export function intParam(raw: unknown, max: number): number | undefined {
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) return undefined
  const n = Number(raw)
  return n <= max ? n : undefined
}
