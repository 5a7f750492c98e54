/** CPU work for the `/cpu` endpoints, and its offload task. */
import { createHash } from 'node:crypto'
import { defineTask } from '../../impl/index.ts'

/** d0 = SHA-256("unblocked"), then d = SHA-256(d) `rounds` times over the raw 32 bytes; hex. */
export function sha256Chain(rounds: number): string {
  let d = createHash('sha256').update('unblocked', 'ascii').digest()
  for (let i = 0; i < rounds; i++) d = createHash('sha256').update(d).digest()
  return d.toString('hex')
}

/** The same work, registered for `offload.run` from async handlers. */
export const sha256ChainTask = defineTask(import.meta.url, 'sha256Chain', sha256Chain)
