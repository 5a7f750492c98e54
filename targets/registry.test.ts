/**
 * The suite every built-in target runs: registered under its own name by its own folder, a
 * framework string with installed versions, and a real server that starts on any free port,
 * answers `/health` and switches into each of its variants and back as the variant's data says,
 * and, where it offers one, an in-process dispatch that answers as its server does.
 */
import { describe, expect, it } from 'vitest'
import { targets } from './index.ts'
import { registry, type TargetSpec } from './spec.ts'

const fake = (name: string, variants: TargetSpec['variants'] = []): TargetSpec => ({
  name,
  summary: 'a fake',
  framework: () => 'none',
  start: () => Promise.reject(new Error('not started in this test')),
  variants,
})

describe('registry', () => {
  it('refuses two targets, or a target and a variant, with one name', () => {
    expect(() => registry([fake('a'), fake('a')])).toThrow('two built-in targets or variants are named "a"')
    const v = { name: 'a', describe: 'x', scenarios: [], env: {}, switch: { path: '/x', variant: 1, host: 0 } }
    expect(() => registry([fake('a'), fake('b', [v])])).toThrow('two built-in targets or variants are named "a"')
  })
  it('finds only the names it lists', () => {
    const r = registry([fake('a')])
    expect(Object.keys(r)).toEqual(['a'])
    expect(r.constructor).toBeUndefined()
  })
})

// Every declared variant (targets without one have nothing to check here).
const variants = Object.values(targets).flatMap((spec) => (spec.variants ?? []).map((v) => ({ host: spec.name, v, name: v.name })))

describe.each(variants)('variant $name of $host', ({ v }) => {
  it('can be started by the bench (env names are shell identifiers) and switched at a path', () => {
    for (const k of Object.keys(v.env)) expect(k).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/)
    expect(v.switch.path).toMatch(/^\//)
    expect(v.scenarios.length).toBeGreaterThan(0)
  })
})

describe.each(Object.entries(targets).map(([key, spec]) => ({ key, spec, name: spec.name })))('target $name', ({ key, spec }) => {
  it('is registered under its name by its own folder', async () => {
    expect(key).toBe(spec.name)
    const folder = (await import(`./${spec.name}/index.ts`)) as { target?: unknown }
    expect(folder.target).toBe(spec)
  })

  it('names its framework with the installed versions', () => {
    const framework = spec.framework()
    expect(framework).toMatch(/\S/)
    expect(framework).toMatch(/\d+\.\d+\.\d+/)
    expect(framework).not.toContain('unknown')
  })

  // Only targets that offer it (the micro-benchmarks drive the reference's).
  const open = spec.inProcess
  if (open !== undefined) it('in-process dispatch answers as the server would, and closes', async () => {
    const framework = await open()
    try {
      // The sync route through the pool and the async one on this thread: the same response.
      const asyncOutcome = await framework.asyncRoute()
      expect(asyncOutcome).toMatchObject({ response: { status: 200, body: JSON.stringify(framework.direct()) } })
      expect(await framework.syncRoute()).toMatchObject({ response: (asyncOutcome as { response: unknown }).response })
      expect(framework.coercions.map((c) => c.name)).toEqual(['dict', 'model', 'str', 'none', 'created', 'bytes'])
      for (const c of framework.coercions) expect(c.call()).toMatchObject({ status: expect.any(Number) })
      expect(await framework.extractJsonBody()).toMatchObject({ name: 'widget', qty: 3 })
      expect(framework.lane.threads).toBeGreaterThan(0)
      expect(framework.lane.tasksPerWorker).toBeGreaterThan(1)
    } finally {
      await framework.close()
    }
  })

  it('starts on port 0, answers /health 200, switches into each variant and back, and closes', async () => {
    // Started as the bench starts it: with the environment its variants need.
    const env: Record<string, string> = Object.assign({}, ...(spec.variants ?? []).map((v) => v.env))
    const running = await spec.start(0, '127.0.0.1', { env })
    try {
      expect(running.name).toBe(spec.name)
      expect(running.description).toMatch(/\S/)
      expect((await fetch(`${running.url}/health`)).status).toBe(200)
      for (const v of spec.variants ?? []) {
        for (const state of [v.switch.variant, v.switch.host]) {
          const res = await fetch(new URL(v.switch.path, running.url), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(state) })
          expect(res.status, `${v.name}: PUT ${v.switch.path} ${JSON.stringify(state)} answered ${await res.text()}`).toBe(200)
        }
      }
    } finally {
      await running.close()
    }
  })
})
