/** `/block/*` and `/cpu/*`: blocking, waiting and CPU work, placed right and (once) wrong. */
import { setTimeout as sleep } from 'node:timers/promises'
import { controller, get, offloader, query, sleepSync, type Offloader } from '../../../impl/index.ts'
import { Millis, Rounds } from '../schemas.ts'
import { sha256Chain, sha256ChainTask } from '../work.ts'

@controller('/block')
export class BlockController {
  /** Sync: blocks its worker thread, never the loop. */
  @get('/sync', query('ms', Millis))
  sync(ms: number) {
    sleepSync(ms)
    return { slept: ms }
  }

  /** Async: an awaited timer; the loop stays free. */
  @get('/async', query('ms', Millis))
  async async(ms: number) {
    await sleep(ms)
    return { slept: ms }
  }

  /** The classic mistake, kept on purpose: an async handler that blocks the loop. */
  @get('/async-blocking', query('ms', Millis))
  async asyncBlocking(ms: number) {
    sleepSync(ms)
    return { slept: ms }
  }
}

@controller('/cpu')
export class CpuController {
  @get('/sync', query('n', Rounds))
  sync(n: number) { return { digest: sha256Chain(n) } }

  @get('/offload', query('n', Rounds), offloader())
  async offload(n: number, pool: Offloader) { return { digest: await pool.run(sha256ChainTask, n) } }
}
