/**
 * `deps.*`: a sync dependency of an async handler (a DI provider, a pre-handler hook) that blocks.
 * FastAPI runs sync dependencies in its thread pool; a framework that offloads only the handler
 * runs the dependency on the loop and stalls the whole server for its duration.
 */
import { Checker } from '../check.ts'
import { probeDuring } from '../prober.ts'
import { round } from '../stats.ts'
import type { CaseDef } from '../types.ts'
import { checkProbe, checkSlept, missingEndpoint, PING_LIMIT_MS, probeData, warm } from './loop-checks.ts'

const MS = 300
const PATH = `/deps/async/blocking-dep?ms=${MS}`
/** The last of 4 parallel answers, after the first send, ms: parallel takes ~300, one after another 1200. */
const LAST_ANSWER_MS = 600

export const depsCases: CaseDef[] = [
  {
    id: 'deps.sync-dependency-keeps-loop-free',
    suite: 'deps',
    level: 'MUST',
    optional: true,
    timing: true,
    description: `4 concurrent GET ${PATH} (an async handler whose sync dependency blocks ${MS} ms) all answer {"slept":${MS}} and pings stay under ${PING_LIMIT_MS} ms (MUST); the last answers within ${LAST_ANSWER_MS} ms of the first send (SHOULD)`,
    async run({ client }) {
      const missing = missingEndpoint(await warm(client, '/deps/async/blocking-dep?ms=0', 4), 'GET /deps/async/blocking-dep?ms=0')
      if (missing !== undefined) return missing
      const c = new Checker()
      const t0 = performance.now()
      const done: number[] = []
      const { probe, result } = await probeDuring(client, () =>
        Promise.all(Array.from({ length: 4 }, () => client.request(PATH).then((r) => (done.push(round(performance.now() - t0)), r)))),
      )
      Object.assign(c.data, probeData(probe))
      if (result.status === 'rejected') throw result.reason
      const last = Math.max(...done)
      c.data.finishedAtMs = done
      c.data.lastFinishMs = last
      checkSlept(c, result.value, PATH, MS)
      checkProbe(c, probe, `4 × GET ${PATH}`)
      c.should(last <= LAST_ANSWER_MS, `the last of 4 × GET ${PATH} answered ${last} ms after the first was sent (bound ${LAST_ANSWER_MS} ms; one after another takes ${4 * MS} ms)`, { lastFinishMs: `≤ ${LAST_ANSWER_MS}` }, { lastFinishMs: last })
      return c.outcome()
    },
  },
]
