/** CPU work for the `/cpu` endpoints, and its offload task. */
import { defineTask, sleepSync } from '../../impl/index.ts'
import { sha256Chain } from '../shared/contract-values.ts'

export { sha256Chain }

/** The same work, registered for `offload.run` from async handlers. */
export const sha256ChainTask = defineTask(import.meta.url, 'sha256Chain', sha256Chain)

/** A background task's blocking part (`POST /background/sync`): runs in a pool worker. */
export const sleepTask = defineTask(import.meta.url, 'sleep', (ms: number) => {
  sleepSync(ms)
})

