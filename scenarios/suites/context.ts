/**
 * `context.*` (contract v2, item 7): the framework's request context (ContextVar,
 * AsyncLocalStorage…) across the hop from the event loop to a worker thread and back. Every
 * endpoint is optional: a 404 gives UNIMPLEMENTED.
 */
import { isDeepStrictEqual } from 'node:util'
import { Checker, observe, statusAndBody } from '../check.ts'
import type { Reply } from '../client.ts'
import { oneLine } from '../one-line.ts'
import type { CaseDef, Observed, Outcome } from '../types.ts'
import { uniqueKey } from '../unique-key.ts'

export const CONTEXT_REQUESTS = 64

/** The `rid` of a `{"rid":…}` body, or undefined when the body is not that. */
function ridOf(r: Reply): unknown {
  try {
    const body = JSON.parse(r.body.toString('utf8')) as unknown
    return typeof body === 'object' && body !== null && 'rid' in body ? (body as { rid: unknown }).rid : undefined
  } catch {
    return undefined
  }
}

export interface RidTally {
  /** Requests that did not get 200 `{"rid":<their own id>}`. */
  readonly wrong: number
  /** Of those, the ones answered with the id another request of the batch sent. */
  readonly otherRequests: number
  /** The first wrong answer: the index of its request. */
  readonly first?: number
}

/** Which of `replies` (to requests sent with `ids`, in order) came back with their own id. */
export function tallyRids(ids: readonly string[], replies: readonly Reply[]): RidTally {
  const sent = new Set(ids)
  let wrong = 0
  let otherRequests = 0
  let first: number | undefined
  replies.forEach((r, i) => {
    const rid = ridOf(r)
    if (r.status === 200 && rid === ids[i]) return
    wrong++
    if (typeof rid === 'string' && rid !== ids[i] && sent.has(rid)) otherRequests++
    first ??= i
  })
  return { wrong, otherRequests, ...(first !== undefined && { first }) }
}

function requestIdCase(mode: 'sync' | 'async'): CaseDef {
  const path = `/context/${mode}?ms=20`
  return {
    id: `context.${mode}.request-id`,
    suite: 'context',
    level: 'MUST',
    optional: true,
    description: `${CONTEXT_REQUESTS} concurrent GET ${path}, each with its own x-request-id, each answer {"rid":<that id>}`,
    async run({ client }): Promise<Outcome> {
      const tag = uniqueKey('rid')
      const ids = Array.from({ length: CONTEXT_REQUESTS }, (_, i) => `${tag}-${i}`)
      const replies = await Promise.all(ids.map((id) => client.request(path, { headers: { 'x-request-id': id } })))
      const missing = replies[0]
      if (missing !== undefined && replies.every((r) => r.status === 404)) {
        return { kind: 'unimplemented', reason: `GET ${path} answered 404: the endpoint is missing`, actual: observe(missing) }
      }
      const tally = tallyRids(ids, replies)
      const c = new Checker()
      c.data.requests = CONTEXT_REQUESTS
      c.data.wrong = tally.wrong
      c.data.otherRequestsIds = tally.otherRequests
      const i = tally.first
      const bad = i === undefined ? undefined : replies[i]
      const others = tally.otherRequests > 0 ? `, ${tally.otherRequests} of them with another request's id` : ''
      const first = i === undefined || bad === undefined ? '' : `; first: x-request-id ${ids[i]} answered ${statusAndBody(bad)}`
      const expected: Observed = { status: 200, body: i === undefined ? '{"rid":<x-request-id>}' : JSON.stringify({ rid: ids[i] }) }
      c.must(tally.wrong === 0, `${tally.wrong} of ${CONTEXT_REQUESTS} concurrent GET ${path} did not answer 200 {"rid":<their own x-request-id>}${others}${first}`, expected, bad && observe(bad))
      return c.outcome()
    },
  }
}

/** The `seen` value of a `{"seen":…}` answer; `{ ok: false }` for any other answer. */
function seenOf(r: Reply): { ok: true; seen: unknown } | { ok: false } {
  if (r.status !== 200) return { ok: false }
  try {
    const body = JSON.parse(r.body.toString('utf8')) as unknown
    return typeof body === 'object' && body !== null && 'seen' in body ? { ok: true, seen: (body as { seen: unknown }).seen } : { ok: false }
  } catch {
    return { ok: false }
  }
}

const shown = (v: unknown): string => oneLine(JSON.stringify(v) ?? String(v), 80)

const dependencyWrites: CaseDef = {
  id: 'context.parity.dependency-writes',
  suite: 'context',
  level: 'SHOULD',
  optional: true,
  description: 'GET /context/sync/dep-writes and /context/async/dep-writes (a dependency of the same kind sets a context value to "dep") answer the same {"seen":…}',
  async run({ client }): Promise<Outcome> {
    const replies = { sync: await client.request('/context/sync/dep-writes'), async: await client.request('/context/async/dep-writes') }
    // A parity case with a missing side has nothing to compare (contract v2, general rules).
    const gone = (['sync', 'async'] as const).filter((mode) => replies[mode].status === 404)
    const firstGone = gone[0]
    if (firstGone !== undefined) {
      const missing = gone.length > 1 ? 'the endpoints are missing' : 'the endpoint is missing'
      return { kind: 'unimplemented', reason: `${gone.map((m) => `GET /context/${m}/dep-writes`).join(' and ')} answered 404: ${missing}`, actual: observe(replies[firstGone]) }
    }
    const c = new Checker()
    const seen = { sync: seenOf(replies.sync), async: seenOf(replies.async) }
    for (const mode of ['sync', 'async'] as const) {
      const r = replies[mode]
      c.should(seen[mode].ok, `GET /context/${mode}/dep-writes answered ${statusAndBody(r)}, expected 200 {"seen":<value or null>}`, { status: 200, body: '{"seen":<value or null>}' }, observe(r))
    }
    const s = seen.sync
    const a = seen.async
    if (s.ok && a.ok) {
      c.data.syncSeen = s.seen
      c.data.asyncSeen = a.seen
      c.should(isDeepStrictEqual(s.seen, a.seen), `GET /context/sync/dep-writes saw ${shown(s.seen)}, GET /context/async/dep-writes saw ${shown(a.seen)}`, { body: `{"seen":${shown(a.seen)}}` }, observe(replies.sync))
    }
    return c.outcome()
  },
}

export const contextCases: CaseDef[] = [requestIdCase('sync'), requestIdCase('async'), dependencyWrites]
