/**
 * The contract-v2 endpoints of the Node comparison targets answer as the contract shapes them:
 * bodies, statuses, validation and the status stores. How they behave under load (the loop
 * cases) is the conformance run's to measure, not this file's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { targets } from './index.ts'
import type { RunningTarget } from './spec.ts'

const names = ['express', 'fastify', 'fastify-piscina'] as const

describe.each(names.map((name) => ({ name })))('$name: contract v2 endpoints', ({ name }) => {
  let running: RunningTarget | undefined
  const url = (path: string): string => `${running?.url}${path}`
  const json = async (path: string, init?: RequestInit): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(url(path), init)
    return { status: res.status, body: await res.json() }
  }
  beforeAll(async () => {
    running = await targets[name]?.start(0, '127.0.0.1')
  })
  afterAll(async () => {
    await running?.close()
  })

  it('the async handler gets its sync dependency\'s value, and bad input is a 4xx', async () => {
    expect(await json('/deps/async/blocking-dep?ms=5')).toEqual({ status: 200, body: { slept: 5 } })
    for (const bad of ['-1', '10001', 'x', '1.5']) expect((await fetch(url(`/deps/async/blocking-dep?ms=${bad}`))).status).toBeGreaterThanOrEqual(400)
  })

  it.each(['sync', 'async'])('streams the %s iterator\'s chunks as text/plain', async (mode) => {
    const res = await fetch(url(`/stream/${mode}?chunks=4&ms=1`))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await res.text()).toBe('0\n1\n2\n3\n')
    expect((await fetch(url(`/stream/${mode}?chunks=4&ms=-1`))).status).toBeGreaterThanOrEqual(400)
  })

  it('a sync handler with a pooled resource answers ok and gives its slot back', async () => {
    // Twice the pool's size, one after another: every slot must have been returned.
    for (let i = 0; i < 8; i++) expect(await json('/resources/sync/pool?ms=1')).toEqual({ status: 200, body: { ok: true } })
  })

  it.each(['sync', 'async'])('%s dependency errors: 500 for a throw, 503 for the HTTP error, and the server keeps serving', async (mode) => {
    expect((await fetch(url(`/error/${mode}/depends`))).status).toBe(500)
    expect((await fetch(url(`/error/${mode}/depends-http`))).status).toBe(503)
    expect((await fetch(url('/health'))).status).toBe(200)
  })

  it.each(['sync', 'async'])('%s: each request sees its own x-request-id, and a dependency\'s context write', async (mode) => {
    const ids = Array.from({ length: 8 }, (_, i) => `${mode}-${i}`)
    const bodies = await Promise.all(ids.map(async (id) => (await fetch(url(`/context/${mode}?ms=5`), { headers: { 'x-request-id': id } })).json()))
    expect(bodies).toEqual(ids.map((rid) => ({ rid })))
    expect(await json(`/context/${mode}/dep-writes`)).toEqual({ status: 200, body: { seen: 'dep' } })
  })

  it('a background task is accepted with 202 and is done after it ran; an unknown key is 404', async () => {
    const key = `bg-${name}`
    expect((await fetch(url(`/background/sync?ms=1&key=${key}`), { method: 'POST' })).status).toBe(202)
    await new Promise((resolve) => setTimeout(resolve, 300)) // generous for a 1 ms task
    expect(await json(`/background/status?key=${key}`)).toEqual({ status: 200, body: { state: 'done' } })
    expect((await fetch(url('/background/status?key=never-posted'))).status).toBe(404)
    expect((await fetch(url('/background/sync?ms=1'), { method: 'POST' })).status).toBeGreaterThanOrEqual(400)
  })

  it.each(['sync', 'async'])('%s work runs in 10 ms steps and records them under its key', async (mode) => {
    const key = `work-${name}-${mode}`
    expect(await json(`/work/${mode}?ms=25&key=${key}`)).toEqual({ status: 200, body: { state: 'done', steps: 3 } })
    expect(await json(`/work/status?key=${key}`)).toEqual({ status: 200, body: { state: 'done', steps: 3 } })
    expect((await fetch(url('/work/status?key=never-worked'))).status).toBe(404)
  })
})
