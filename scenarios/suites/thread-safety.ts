/** `thread-safety.*`: shared state under parallel sync handlers, and DI scopes under concurrency. */
import { Checker, observe } from '../check.ts'
import type { TargetClient } from '../client.ts'
import { withConcurrency } from '../concurrency.ts'
import type { CaseDef, Observed } from '../types.ts'

export const COUNTER_REQUESTS = 2000
export const COUNTER_CONCURRENCY = 64

interface CounterRun {
  sent: number
  ok: number
  statuses: Record<string, number>
  values: number[]
  final: number | undefined
  firstBad?: Observed
}

async function runCounter(client: TargetClient, kind: 'locked' | 'unsafe'): Promise<CounterRun> {
  const reset = await client.request(`/counter/${kind}`, { method: 'DELETE' })
  if (reset.status >= 300) throw new Error(`DELETE /counter/${kind} answered ${reset.status}`)
  const statuses: Record<string, number> = {}
  const values: number[] = []
  let firstBad: Observed | undefined
  await withConcurrency(COUNTER_REQUESTS, COUNTER_CONCURRENCY, async () => {
    const r = await client.request(`/counter/${kind}`, { method: 'POST' })
    statuses[r.status] = (statuses[r.status] ?? 0) + 1
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
  let final: number | undefined
  try {
    const n = (JSON.parse(read.body.toString('utf8')) as { n?: unknown }).n
    final = typeof n === 'number' ? n : undefined
  } catch {
    final = undefined
  }
  const run: CounterRun = { sent: COUNTER_REQUESTS, ok: values.length, statuses, values, final }
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
      let first: { i: number; actual: Observed } | undefined
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
          first ??= { i, actual: observe(r) }
        }
      })
      c.data.wrong = wrong
      c.must(wrong === 0, `${wrong} of 64 requests did not read back their own tag with same: true (first: request ${first?.i})`, { status: 200, body: `{"tag":"t${first?.i}","same":true}` }, first?.actual)
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
    level: 'MUST',
    description: `${COUNTER_REQUESTS} POST /counter/locked at concurrency ${COUNTER_CONCURRENCY}: all 2xx, final count exactly ${COUNTER_REQUESTS}, every n distinct`,
    async run({ client }) {
      const c = new Checker()
      const run = await runCounter(client, 'locked')
      Object.assign(c.data, table(run))
      const distinct = new Set(run.values).size
      c.must(run.ok === run.sent, `${run.sent - run.ok} of ${run.sent} increments failed (statuses ${JSON.stringify(run.statuses)})`, { status: 200 }, run.firstBad)
      c.must(run.final === run.sent, `final count ${run.final ?? '(unreadable)'}, expected ${run.sent}: ${run.final === undefined ? '' : `${run.sent - run.final} updates lost`}`, { count: run.sent }, { count: run.final })
      c.must(distinct === run.ok, `${run.ok - distinct} returned values were duplicates`, { distinct: run.ok }, { distinct })
      return c.outcome()
    },
  },
  {
    id: 'thread-safety.unsafe-counter',
    suite: 'thread-safety',
    level: 'INFO',
    description: `${COUNTER_REQUESTS} POST /counter/unsafe (read, sleep 1 ms, write; no lock): lost updates are evidence that sync handlers run in parallel`,
    async run({ client }) {
      const run = await runCounter(client, 'unsafe')
      const data = table(run)
      const lost = data.lostUpdates as number | null
      const reason =
        lost === null
          ? 'final value unreadable'
          : lost > 0
            ? `${lost} of ${run.sent} updates lost: increments overlapped, so sync handlers ran in parallel`
            : `no updates lost: increments never overlapped (sync handlers ran one at a time)`
      return { kind: 'info', reason, data }
    },
  },
  scopeCase('sync'),
  scopeCase('async'),
  transientCase('sync'),
  transientCase('async'),
]
