/** `thread-safety.*`: shared state under parallel sync handlers, and DI scopes under concurrency. */
import { Checker, observe, statusAndBody } from '../check.ts'
import type { Reply, TargetClient } from '../client.ts'
import { withConcurrency } from '../concurrency.ts'
import type { CaseDef, Observed, Outcome } from '../types.ts'

export const COUNTER_REQUESTS = 2000
export const COUNTER_CONCURRENCY = 64
/** A counter case's deadline, ms: 2,000 requests take 1–4 s (the committed verdicts); 60 s is 30 ms a request one at a time. */
export const COUNTER_DEADLINE_MS = 60_000

interface CounterRun {
  sent: number
  ok: number
  statuses: Record<string, number>
  values: number[]
  final: number | undefined
  /** The final GET, when it gave no number. */
  unreadable?: Reply
  firstBad?: Observed
}

/** A counter request that answered 404: the counter is missing, and nothing about it can be judged or recorded. */
interface CounterMissing {
  missing: string
  reply: Reply
}

/** The outcome for a missing counter endpoint: FAIL for the locked counter, UNIMPLEMENTED for the INFO one (runner.ts). */
function missingOutcome(m: CounterMissing): Outcome {
  return { kind: 'unimplemented', reason: `${m.missing} answered 404: the endpoint is missing`, actual: observe(m.reply) }
}

async function runCounter(client: TargetClient, kind: 'locked' | 'unsafe'): Promise<CounterRun | CounterMissing> {
  const reset = await client.request(`/counter/${kind}`, { method: 'DELETE' })
  if (reset.status === 404) return { missing: `DELETE /counter/${kind}`, reply: reset }
  if (reset.status >= 300) throw new Error(`DELETE /counter/${kind} answered ${statusAndBody(reset)}`)
  const statuses: Record<string, number> = {}
  const values: number[] = []
  let firstBad: Observed | undefined
  let notFound: Reply | undefined
  await withConcurrency(COUNTER_REQUESTS, COUNTER_CONCURRENCY, async () => {
    const r = await client.request(`/counter/${kind}`, { method: 'POST' })
    statuses[r.status] = (statuses[r.status] ?? 0) + 1
    if (r.status === 404) notFound ??= r
    let n: unknown
    try {
      n = (JSON.parse(r.body.toString('utf8')) as { n?: unknown }).n
    } catch {
      n = undefined
    }
    if (r.status >= 200 && r.status < 300 && typeof n === 'number') values.push(n)
    else firstBad ??= observe(r)
  })
  const read = await client.request(`/counter/${kind}`)
  if (read.status === 404) return { missing: `GET /counter/${kind}`, reply: read }
  if (values.length === 0 && notFound !== undefined) return { missing: `POST /counter/${kind}`, reply: notFound }
  let final: number | undefined
  try {
    const n = (JSON.parse(read.body.toString('utf8')) as { n?: unknown }).n
    final = typeof n === 'number' ? n : undefined
  } catch {
    final = undefined
  }
  const run: CounterRun = { sent: COUNTER_REQUESTS, ok: values.length, statuses, values, final }
  if (final === undefined) run.unreadable = read
  if (firstBad !== undefined) run.firstBad = firstBad
  return run
}

function table(run: CounterRun): Record<string, unknown> {
  const distinct = new Set(run.values).size
  return {
    requestsSent: run.sent,
    successes: run.ok,
    statuses: run.statuses,
    finalValue: run.final ?? null,
    lostUpdates: run.final === undefined ? null : run.sent - run.final,
    distinctValues: distinct,
    duplicateValues: run.values.length - distinct,
    concurrency: COUNTER_CONCURRENCY,
  }
}

function scopeCase(mode: 'sync' | 'async'): CaseDef {
  return {
    id: `thread-safety.${mode}.request-scope`,
    suite: 'thread-safety',
    level: 'MUST',
    description: `${mode}: 64 concurrent requests with distinct tags each read back their own tag from one request-scoped instance`,
    async run({ client }) {
      const c = new Checker()
      const replies = await Promise.all(Array.from({ length: 64 }, (_, i) => client.request(`/scope/${mode}/request?tag=t${i}`)))
      let wrong = 0
      let first: { i: number; actual: Observed; reply: Reply } | undefined
      replies.forEach((r, i) => {
        let ok = false
        try {
          const b = JSON.parse(r.body.toString('utf8')) as { tag?: unknown; same?: unknown }
          ok = r.status === 200 && b.tag === `t${i}` && b.same === true
        } catch {
          ok = false
        }
        if (!ok) {
          wrong++
          first ??= { i, actual: observe(r), reply: r }
        }
      })
      c.data.wrong = wrong
      c.must(wrong === 0, `${wrong} of 64 GET /scope/${mode}/request?tag=t<i> did not answer 200 {"tag":"t<i>","same":true} (first: tag t${first?.i}, answered ${first === undefined ? '' : statusAndBody(first.reply)})`, { status: 200, body: `{"tag":"t${first?.i}","same":true}` }, first?.actual)
      return c.outcome()
    },
  }
}

function transientCase(mode: 'sync' | 'async'): CaseDef {
  return {
    id: `thread-safety.${mode}.transient`,
    suite: 'thread-safety',
    level: 'SHOULD',
    description: `${mode}: two resolutions of a transient service give distinct instances`,
    async run({ client }) {
      const c = new Checker()
      const r = await client.request(`/scope/${mode}/transient`)
      c.mustMatch(r, { status: 200, type: 'application/json', json: { distinct: true } })
      const o = c.outcome()
      return o.kind === 'fail' ? { ...o, level: 'SHOULD' } : o
    },
  }
}

export const threadSafetyCases: CaseDef[] = [
  {
    id: 'thread-safety.locked-counter',
    suite: 'thread-safety',
    deadlineMs: COUNTER_DEADLINE_MS,
    level: 'MUST',
    description: `${COUNTER_REQUESTS} POST /counter/locked at concurrency ${COUNTER_CONCURRENCY}: all 2xx, final count exactly ${COUNTER_REQUESTS}, every n distinct`,
    async run({ client }) {
      const c = new Checker()
      const run = await runCounter(client, 'locked')
      if ('missing' in run) return missingOutcome(run)
      Object.assign(c.data, table(run))
      const distinct = new Set(run.values).size
      const statuses = Object.entries(run.statuses).map(([status, n]) => `${n} × ${status}`).join(', ')
      c.must(run.ok === run.sent, `${run.sent - run.ok} of ${run.sent} POST /counter/locked did not answer 2xx {"n":<number>} (statuses: ${statuses})`, { status: 200 }, run.firstBad)
      const read = run.unreadable === undefined ? `${run.final}` : `no count (answered ${statusAndBody(run.unreadable)})`
      c.must(run.final === run.sent, `after ${run.sent} POST /counter/locked, GET /counter/locked read ${read}, expected ${run.sent}`, { count: run.sent }, { count: run.final })
      c.must(distinct === run.ok, `${run.ok} POST /counter/locked returned ${distinct} distinct values of n (${run.ok - distinct} repeated)`, { distinct: run.ok }, { distinct })
      return c.outcome()
    },
  },
  {
    id: 'thread-safety.unsafe-counter',
    suite: 'thread-safety',
    deadlineMs: COUNTER_DEADLINE_MS,
    level: 'INFO',
    description: `${COUNTER_REQUESTS} POST /counter/unsafe (read, sleep 1 ms, write; no lock): lost updates are evidence that sync handlers run in parallel`,
    async run({ client }) {
      const run = await runCounter(client, 'unsafe')
      if ('missing' in run) return missingOutcome(run)
      const data = table(run)
      const reason =
        run.final === undefined
          ? `after ${run.sent} POST /counter/unsafe, GET /counter/unsafe answered ${statusAndBody(run.unreadable as Reply)}: no final value`
          : `after ${run.sent} POST /counter/unsafe, GET /counter/unsafe read ${run.final}: ${run.sent - run.final} updates lost`
      return { kind: 'info', reason, data }
    },
  },
  scopeCase('sync'),
  scopeCase('async'),
  transientCase('sync'),
  transientCase('async'),
]
