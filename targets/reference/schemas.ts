/** Input schemas of the reference target's endpoints. */
import { z } from 'zod'
import { Int, Model } from '../../impl/index.ts'

export const Item = z.object({ name: z.string(), qty: z.number().int() })

/** Milliseconds to block or wait: an integer in 0–10000. */
export const Millis = Int.pipe(z.number().min(0).max(10_000))

/** A key naming a background task or a unit of work: 1–200 characters. */
export const Key = z.string().min(1).max(200)

/** SHA-256 rounds: an integer in 0–10,000,000. */
export const Rounds = Int.pipe(z.number().min(0).max(10_000_000))

export class Widget extends Model(z.object({ id: z.number().int(), name: z.string() })) {}

/** A plain class (the dataclass analog): serialized as JSON of its fields. */
export class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

export const BYTES = Uint8Array.of(0x00, 0x01, 0x62, 0x69, 0x6e)
