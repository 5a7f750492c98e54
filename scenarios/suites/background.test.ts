import { describe, expect, it } from 'vitest'
import { fakeClient, reply } from '../../test/fixtures/fake-client.ts'
import { runCases } from '../runner.ts'
import type { CaseResult } from '../types.ts'
import { backgroundCases, stateOf } from './background.ts'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * A fake target with a background task of `ms`: `runFirst` runs it before answering the POST (the
 * mistake); the status reads pending until it has finished, then done.
 */
function tasks({ runFirst = false, stuck = false } = {}) {
  const state = new Map<string, 'pending' | 'done'>()
  return fakeClient(async (method, path) => {
    const url = new URL(path, 'http://x')
    const key = url.searchParams.get('key') ?? ''
    if (method === 'POST' && url.pathname === '/background/sync') {
      const ms = Number(url.searchParams.get('ms'))
      state.set(key, 'pending')
      const task = sleep(ms).then(() => void (stuck || state.set(key, 'done')))
      if (runFirst) await task
      return reply(202, { accepted: true })
    }
    if (url.pathname === '/background/status') {
      const s = state.get(key)
      return s === undefined ? reply(404, { state: 'unknown' }) : reply(200, { state: s })
    }
    return reply(404, 'Not Found')
  })
}

async function run(client: ReturnType<typeof fakeClient>): Promise<CaseResult> {
  const [r] = await runCases(client, backgroundCases, { timeoutMs: 2_000, attempts: 1 })
  if (r === undefined) throw new Error('no result')
  return r
}

describe('stateOf', () => {
  it('reads {"state":…} of a 200, nothing else', () => {
    expect(stateOf(reply(200, { state: 'pending' }))).toBe('pending')
    expect(stateOf(reply(404, { state: 'unknown' }))).toBeUndefined()
    expect(stateOf(reply(200, 'done'))).toBeUndefined()
    expect(stateOf(reply(200, { state: 3 }))).toBeUndefined()
  })
})

describe('background.sync-task', () => {
  it('a 202 at once, pending, then done → PASS with the numbers', async () => {
    const r = await run(tasks())
    expect(r.verdict).toBe('PASS')
    expect(r.data).toMatchObject({ stateAfter: 'pending', pingFailures: 0 })
    expect(r.data?.doneAtMs).toBeGreaterThanOrEqual(300)
    expect(r.data?.key).toMatch(/^bg-[0-9a-f]{8}-\d+$/)
  })

  it('the POST runs the task before answering → FAIL on the 202\'s time', async () => {
    const r = await run(tasks({ runFirst: true }))
    expect(r.verdict).toBe('FAIL')
    expect(r.reason).toMatch(/^the 202 to POST \/background\/sync\?ms=300&key=K was complete \d+(\.\d)? ms after the send \(bound 150 ms; the task takes 300 ms\)$/)
    expect(r.data?.stateAfter).toBe('done')
  })

  it('a task never done → FAIL, still pending at the deadline, the poll bounded', async () => {
    const t0 = performance.now()
    const r = await run(tasks({ stuck: true }))
    expect(performance.now() - t0).toBeLessThan(5_000)
    expect(r.verdict).toBe('FAIL')
    expect(r.reason).toMatch(/^GET \/background\/status\?key=K still read \{"state":"pending"\} \d+(\.\d)? ms after the POST was sent \(bound 1300 ms\)$/)
    expect(r.data?.doneAtMs).toBeNull()
  })

  it('404 → UNIMPLEMENTED, before any probing', async () => {
    const r = await run(fakeClient(() => reply(404, 'Not Found')))
    expect(r.verdict).toBe('UNIMPLEMENTED')
    expect(r.reason).toBe('POST /background/sync?ms=0&key=K answered 404: the endpoint is missing')
    expect(r.data).toBeUndefined()
  })
})
