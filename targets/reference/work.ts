/** CPU work for the `/cpu` endpoints, and its offload task. */
import { defineTask } from '../../impl/index.ts'
import { sha256Chain } from '../shared/contract-values.ts'

export { sha256Chain }

/** The same work, registered for `offload.run` from async handlers. */
export const sha256ChainTask = defineTask(import.meta.url, 'sha256Chain', sha256Chain)
