/**
 * `background.*` (contract v2, item 8): a sync background task scheduled by a handler must run
 * after the response — the 202 arrives at once — and off the event loop. The endpoint is
 * optional: a 404 gives UNIMPLEMENTED.
 */
import { Checker, observe, statusAndBody } from '../check.ts'
import type { Reply, TargetClient } from '../client.ts'
import { oneLine } from '../one-line.ts'
import { probeDuring } from '../prober.ts'
import { sleep } from '../sleep.ts'
import { round } from '../stats.ts'
import type { CaseDef, Outcome } from '../types.ts'
import { uniqueKey } from '../unique-key.ts'
import { PING_LIMIT_MS } from './blocking.ts'

/** The task's blocking time, ms. */
export const TASK_MS = 300
/** The 202's last body byte must arrive within this of the send, ms. */
export const ANSWER_LIMIT_MS = 150
/** The task must be `done` within TASK_MS + this of the send, ms. */
export const DONE_SLACK_MS = 1_000
/** Between two status polls, ms. */
const POLL_EVERY_MS = 20

/** The `state` of a status answer; `undefined` when the answer is not `{"state":…}` (a 404 for an unknown key included). */
export function stateOf(r: Reply): string | undefined {
  if (r.status !== 200) return undefined
  try {
    const body = JSON.parse(r.body.toString('utf8')) as unknown
    const state = typeof body === 'object' && body !== null ? (body as { state?: unknown }).state : undefined
    return typeof state === 'string' ? state : undefined
  } catch {
    return undefined
  }
}

export interface Poll {
  /** The last status answer. */
  readonly last: Reply
  /** When it arrived, ms after `t0`. */
  readonly atMs: number
  readonly polls: number
  readonly done: boolean
}

/**
 * Polls `path` until it answers `{"state":"done"}` or `deadline` (a `performance.now()` time) has
 * passed; bounded by count as well as time, and cut short by `signal` (the case's stop). Times are ms after `t0`.
 */
export async function pollUntilDone(client: TargetClient, path: string, t0: number, deadline: number, signal?: AbortSignal): Promise<Poll> {
  const maxPolls = Math.ceil((deadline - performance.now()) / POLL_EVERY_MS) + 2
  let polls = 0
  for (;;) {
    const last = await client.request(path)
    polls++
    const atMs = round(performance.now() - t0)
    const done = stateOf(last) === 'done'
    if (done || performance.now() >= deadline || polls >= maxPolls) return { last, atMs, polls, done }
    await sleep(POLL_EVERY_MS, signal)
  }
}

const describeState = (r: Reply): string => {
  const state = stateOf(r)
  return state === undefined ? `answered ${statusAndBody(r)}` : `read {"state":${JSON.stringify(oneLine(state, 40))}}`
}

export const backgroundCases: CaseDef[] = [
  {
    id: 'background.sync-task',
    suite: 'background',
    level: 'MUST',
    optional: true,
    timing: true,
    description: `POST /background/sync?ms=${TASK_MS}&key=K answers 202 within ${ANSWER_LIMIT_MS} ms, pings stay under ${PING_LIMIT_MS} ms while the task runs, and GET /background/status?key=K reads pending right after, done within ${TASK_MS + DONE_SLACK_MS} ms`,
    async run({ client, signal }): Promise<Outcome> {
      // Warm the connections and the target's task machinery; a missing endpoint shows here.
      const warmKey = uniqueKey('bg-warm')
      const warm = await client.request(`/background/sync?ms=0&key=${warmKey}`, { method: 'POST' })
      if (warm.status === 404) return { kind: 'unimplemented', reason: 'POST /background/sync?ms=0&key=K answered 404: the endpoint is missing', actual: observe(warm) }
      await Promise.all(Array.from({ length: 4 }, () => client.request('/ping')))

      const key = uniqueKey('bg')
      const withKey = (k: string) => ({ post: `/background/sync?ms=${TASK_MS}&key=${k}`, status: `/background/status?key=${k}` })
      const sent = withKey(key)
      // Reasons name the key K (it is in `data.key`): they read the same from run to run.
      const { post, status } = withKey('K')
      let answer: Reply | undefined
      let after: Reply | undefined
      let poll: Poll | undefined
      const t0 = performance.now()
      // The probe lasts until the task is seen done (or the deadline): the task's run is inside it.
      const { probe, result } = await probeDuring(client, async () => {
        answer = await client.request(sent.post, { method: 'POST' })
        if (answer.status === 404) return
        after = await client.request(sent.status)
        poll = stateOf(after) === 'done' ? { last: after, atMs: round(performance.now() - t0), polls: 1, done: true } : await pollUntilDone(client, sent.status, t0, t0 + TASK_MS + DONE_SLACK_MS, signal)
      })
      if (result.status === 'rejected') throw result.reason
      if (answer === undefined) throw new Error(`no answer to POST ${post}`)
      if (answer.status === 404) return { kind: 'unimplemented', reason: `POST ${post} answered 404: the endpoint is missing`, actual: observe(answer) }

      const c = new Checker()
      const answerMs = round(answer.ms)
      Object.assign(c.data, { key, answerMs, stateAfter: after && (stateOf(after) ?? null), doneAtMs: poll?.done ? poll.atMs : null, statusPolls: poll?.polls ?? 0 })
      Object.assign(c.data, { pings: probe.sent, pingFailures: probe.failed, worstPingMs: probe.worstMs, p99PingMs: probe.p99Ms, pingTimeline: probe.samples.map((s) => [s.at, s.ms, s.ok ? 1 : 0]) })
      c.must(answer.status === 202, `POST ${post} answered ${statusAndBody(answer)}, expected 202`, { status: 202 }, observe(answer))
      c.must(answerMs < ANSWER_LIMIT_MS, `the 202 to POST ${post} was complete ${answerMs} ms after the send (bound ${ANSWER_LIMIT_MS} ms; the task takes ${TASK_MS} ms)`, { answerMs: `< ${ANSWER_LIMIT_MS}` }, { answerMs })
      c.must(probe.failed === 0, `${probe.failed} of ${probe.sent} GET /ping failed while the background task ran (${oneLine(probe.failures.join('; '))})`, { pingFailures: 0 }, { pingFailures: probe.failed })
      c.must(probe.worstMs < PING_LIMIT_MS, `pings waited up to ${probe.worstMs} ms (bound ${PING_LIMIT_MS} ms) while the background task of POST ${post} ran`, { worstPingMs: `< ${PING_LIMIT_MS}` }, { worstPingMs: probe.worstMs })
      if (after !== undefined) {
        c.must(stateOf(after) === 'pending', `GET ${status} right after the 202 ${describeState(after)}, expected {"state":"pending"}`, { status: 200, body: '{"state":"pending"}' }, observe(after))
      }
      if (poll !== undefined) {
        const bound = TASK_MS + DONE_SLACK_MS
        const seen = poll.done ? `first read {"state":"done"} ${poll.atMs} ms after the POST was sent` : `still ${describeState(poll.last)} ${poll.atMs} ms after the POST was sent`
        c.must(poll.done && poll.atMs <= bound, `GET ${status} ${seen} (bound ${bound} ms)`, { doneAtMs: `≤ ${bound}` }, { doneAtMs: poll.done ? poll.atMs : null })
      }
      return c.outcome()
    },
  },
]
