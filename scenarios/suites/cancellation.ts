/**
 * `cancellation.*` (contract v2, item 9): what a handler's work does when its client goes away.
 * INFO: recorded, not judged — stopping is a feature, running to completion is what every Python
 * framework measured does. The endpoints are optional: a 404 gives UNIMPLEMENTED.
 */
import { observe, statusAndBody } from '../check.ts'
import { TransportError, type Reply } from '../client.ts'
import { sleep } from '../sleep.ts'
import { round } from '../stats.ts'
import type { CaseDef, Outcome } from '../types.ts'
import { uniqueKey } from '../unique-key.ts'

/** The work asked for, ms; it runs in 10 ms steps. */
export const WORK_MS = 1_000
export const STEP_MS = 10
/** The client disconnects this long after sending, ms. */
export const DISCONNECT_AFTER_MS = 100
/** The status is read this long after the disconnect, ms: the work, had it gone on, has finished by then. */
export const LOOK_AFTER_MS = 1_500

export type WorkFate = 'completed' | 'stopped' | 'running' | 'never-started' | 'unreadable'

export interface WorkSeen {
  readonly fate: WorkFate
  /** What was seen, for the reason: `the work ran to completion (100 of 100 steps)`. */
  readonly text: string
  readonly state: string | null
  readonly steps: number | null
}

/** What `GET /work/status?key=K` (`reply`) says became of the work, out of `totalSteps`. */
export function workSeen(reply: Reply, totalSteps: number): WorkSeen {
  if (reply.status === 404) return { fate: 'never-started', text: 'GET /work/status answered 404 for its key: the work never started', state: null, steps: null }
  let body: { state?: unknown; steps?: unknown } = {}
  try {
    const parsed = JSON.parse(reply.body.toString('utf8')) as unknown
    if (typeof parsed === 'object' && parsed !== null) body = parsed as typeof body
  } catch {
    body = {}
  }
  const steps = typeof body.steps === 'number' && Number.isFinite(body.steps) ? body.steps : null
  const of = `${steps ?? '?'} of ${totalSteps} steps`
  if (reply.status === 200) {
    if (body.state === 'done') return { fate: 'completed', text: `the work ran to completion (${of})`, state: 'done', steps }
    if (body.state === 'cancelled') return { fate: 'stopped', text: `the work stopped after ${of}`, state: 'cancelled', steps }
    if (body.state === 'running') return { fate: 'running', text: `the work was still running (${of} done)`, state: 'running', steps }
  }
  return { fate: 'unreadable', text: `GET /work/status answered ${statusAndBody(reply)}`, state: typeof body.state === 'string' ? body.state : null, steps }
}

function clientAbortCase(mode: 'sync' | 'async'): CaseDef {
  return {
    id: `cancellation.${mode}.client-abort`,
    suite: 'cancellation',
    level: 'INFO',
    optional: true,
    description: `the client disconnects ${DISCONNECT_AFTER_MS} ms into GET /work/${mode}?ms=${WORK_MS}&key=K; ${LOOK_AFTER_MS / 1000} s later, GET /work/status?key=K: did the work run to completion, stop, or never start?`,
    async run({ client, signal }): Promise<Outcome> {
      // A short piece of work that may finish: it shows whether both endpoints exist (an unknown
      // key answers 404 too, so a 404 after the disconnect alone could not tell) and warms the path.
      const warmKey = uniqueKey('work-warm')
      const warm = await client.request(`/work/${mode}?ms=20&key=${warmKey}`)
      // Reasons name a key K (it is in `data.key`): they read the same from run to run.
      if (warm.status === 404) return { kind: 'unimplemented', reason: `GET /work/${mode}?ms=20&key=K answered 404: the endpoint is missing`, actual: observe(warm) }
      const warmStatus = await client.request(`/work/status?key=${warmKey}`)
      if (warmStatus.status === 404) return { kind: 'unimplemented', reason: `GET /work/status?key=K answered 404 after GET /work/${mode}?ms=20&key=K had answered: the endpoint is missing`, actual: observe(warmStatus) }

      const key = uniqueKey('work')
      const path = `/work/${mode}?ms=${WORK_MS}&key=${key}`
      const disconnect = new AbortController()
      const t0 = performance.now()
      const timer = setTimeout(() => disconnect.abort(), DISCONNECT_AFTER_MS)
      let early: Reply | undefined
      try {
        early = await client.request(path, { signal: disconnect.signal })
      } catch (err) {
        if (!(err instanceof TransportError && err.kind === 'aborted')) throw err
      } finally {
        clearTimeout(timer)
      }
      const endedAtMs = round(performance.now() - t0)
      if (early?.status === 404) return { kind: 'unimplemented', reason: `GET /work/${mode}?ms=${WORK_MS}&key=K answered 404: the endpoint is missing`, actual: observe(early) }
      await sleep(t0 + endedAtMs + LOOK_AFTER_MS - performance.now(), signal)
      const status = await client.request(`/work/status?key=${key}`)
      const seen = workSeen(status, WORK_MS / STEP_MS)
      const data = { key, fate: seen.fate, state: seen.state, steps: seen.steps, totalSteps: WORK_MS / STEP_MS, statusReadAtMs: round(performance.now() - t0) }
      if (early !== undefined) {
        // Nothing was disconnected: what follows is no answer to the question, only what was seen.
        const reason = `GET /work/${mode}?ms=${WORK_MS} answered ${statusAndBody(early)} ${endedAtMs} ms after the send, before the client could disconnect; ${LOOK_AFTER_MS / 1000} s later ${seen.text}`
        return { kind: 'info', reason, data: { ...data, answeredAtMs: endedAtMs, answer: observe(early) } }
      }
      return { kind: 'info', reason: `the client disconnected ${endedAtMs} ms into GET /work/${mode}?ms=${WORK_MS}; ${LOOK_AFTER_MS / 1000} s later ${seen.text}`, data: { ...data, disconnectedAtMs: endedAtMs } }
    },
  }
}

export const cancellationCases: CaseDef[] = [clientAbortCase('sync'), clientAbortCase('async')]
