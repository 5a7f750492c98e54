/**
 * The suite every built-in target runs: registered under its own name by its own folder, a
 * framework string with installed versions, and a real server that starts on any free port,
 * answers `/health` and switches into each of its variants and back as the variant's data says.
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

  it('declares variants the bench can start (env names are shell identifiers)', () => {
    for (const v of spec.variants ?? []) {
      for (const k of Object.keys(v.env)) expect(k).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/)
      expect(v.switch.path).toMatch(/^\//)
      expect(v.scenarios.length).toBeGreaterThan(0)
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
