/**
 * Keys and ids a case sends to the target (a background task's key, a request id). Unique per
 * call: a case run again — another attempt, another run against a target still up — must never
 * read the state an earlier run left under the same key.
 */
import { randomBytes } from 'node:crypto'

// Random per process, so two CLI runs against one target do not collide either.
const RUN = randomBytes(4).toString('hex')
let sequence = 0

/** `<prefix>-<8 hex, random per process>-<sequence>`: URL- and header-safe. @example uniqueKey('bg') // 'bg-3f9a0c1e-4' */
export function uniqueKey(prefix: string): string {
  return `${prefix}-${RUN}-${sequence++}`
}
