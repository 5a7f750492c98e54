import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { targets } from '../../targets/index.ts'
import { registry, type TargetSpec, type TargetVariant } from '../../targets/spec.ts'
import { BASELINE_SUFFIX, builtInCommand, NODE_FLAGS, planTargets, processOf, unitOf } from './plan.ts'
import { buildSettings } from './profiles.ts'
import { SCENARIOS } from './scenarios.ts'

const BIN = fileURLToPath(new URL('../../bin/unblocked.mjs', import.meta.url))
const settings = (t: string, scenarios: string, external: string[] = []) => buildSettings({ quick: true, targets: t, scenarios }, external)
const reference = targets['reference'] as TargetSpec
const nodetect = reference.variants?.find((v) => v.name === 'reference-nodetect') as TargetVariant

describe('the plan of built-in targets, from the registry', () => {
  it('each target: `unblocked serve <name>` with the shared Node flags, and its framework string', () => {
    const plans = planTargets(settings('express,fastify-piscina', 'json-sync'), [])
    expect(plans).toEqual([
      { name: 'express', command: `exec "${process.execPath}" ${NODE_FLAGS} "${BIN}" serve express --port {port}`, framework: targets['express']?.framework(), scenarios: ['json-sync'], verify: true },
      { name: 'fastify-piscina', command: builtInCommand('fastify-piscina'), framework: targets['fastify-piscina']?.framework(), scenarios: ['json-sync'], verify: true },
    ])
    expect(plans[1]?.framework).toMatch(/^fastify \d+\.\d+\.\d+ \+ piscina \d+\.\d+\.\d+$/)
  })

  it('a variant follows its host when the run selects its scenario, in the host\'s process, started with the env it needs', () => {
    const plans = planTargets(settings('reference,express', 'json-async,cpu-sync'), [])
    expect(plans.map((p) => p.name)).toEqual(['reference', 'reference-nodetect', 'express'])
    const [host, variant] = plans
    expect(host?.command).toBe(`UNBLOCKED_BLOCKING=switchable ${builtInCommand('reference')}`)
    expect(variant).toEqual({
      name: 'reference-nodetect',
      command: `${host?.command} (the same process, blocking detection off for these trials)`,
      framework: `${reference.framework()}, blocking detection off`,
      scenarios: ['json-async'],
      verify: false,
      variant: { of: 'reference', switch: nodetect.switch },
    })
    expect(nodetect.switch).toEqual({ path: '/diagnostics/blocking', variant: { enabled: false }, host: { enabled: true } })
  })

  it('no variant without its scenario: the host starts without the variant\'s env', () => {
    const plans = planTargets(settings('reference,express', 'cpu-sync,json-sync'), [])
    expect(plans.map((p) => p.name)).toEqual(['reference', 'express'])
    expect(plans[0]?.command).toBe(builtInCommand('reference'))
  })

  it('a floor target runs only in its own scenarios, unverified, and not at all when none is selected', () => {
    const plans = planTargets(settings('reference,node-http', 'json-async,json-sync'), [])
    expect(plans.find((p) => p.name === 'node-http')).toMatchObject({ scenarios: ['json-async'], verify: false })
    expect(planTargets(settings('reference,node-http', 'cpu-sync'), []).map((p) => p.name)).toEqual(['reference'])
  })

  it('with a baseline, each built-in framework target gets a twin from the base build: same env and scenarios, its bin, unverified; floors, variants and external targets none', () => {
    const baseline = { bin: '/tmp/base/bin/unblocked.mjs', label: 'main (0123456789)' }
    const external = [{ name: 'ext', command: './ext --port {port}', framework: 'ext 1' }]
    const plans = planTargets(settings('reference,node-http,ext', 'json-async', ['ext']), external, targets, baseline)
    expect(plans.map((p) => p.name)).toEqual(['reference', `reference${BASELINE_SUFFIX}`, 'reference-nodetect', 'node-http', 'ext'])
    expect(plans[1]).toEqual({
      name: 'reference@base',
      command: `UNBLOCKED_BLOCKING=switchable exec "${process.execPath}" ${NODE_FLAGS} "/tmp/base/bin/unblocked.mjs" serve reference --port {port}`,
      framework: `${reference.framework()}, base build main (0123456789)`,
      scenarios: ['json-async'],
      verify: false,
      baselineOf: 'reference',
    })
    expect(planTargets(settings('reference', 'json-async'), []).some((p) => p.baselineOf !== undefined)).toBe(false)
  })

  it('a base twin runs back to back with its head target (one schedule unit) but in its own process (its death is its own)', () => {
    const plans = planTargets(settings('reference,express', 'json-async'), [], targets, { bin: '/b/bin/unblocked.mjs', label: 'b' })
    expect(plans.map((p) => [p.name, unitOf(plans, p.name), processOf(plans, p.name)])).toEqual([
      ['reference', 'reference', 'reference'],
      ['reference@base', 'reference', 'reference@base'],
      ['reference-nodetect', 'reference', 'reference'],
      ['express', 'express', 'express'],
      ['express@base', 'express', 'express@base'],
    ])
  })

  it('no variant without its host', () => {
    expect(planTargets(settings('express', 'json-async'), []).map((p) => p.name)).toEqual(['express'])
  })

  it('no variant when an external target takes the host\'s name', () => {
    const external = [{ name: 'reference', command: './other --port {port}', framework: 'other 1.0' }]
    expect(planTargets(settings('reference,express', 'json-async', ['reference']), external)).toEqual([
      { name: 'reference', command: './other --port {port}', framework: 'other 1.0', scenarios: ['json-async'], verify: true },
      { name: 'express', command: builtInCommand('express'), framework: targets['express']?.framework(), scenarios: ['json-async'], verify: true },
    ])
  })

  it('every variant in the registry is measured in bench scenarios', () => {
    const ids = SCENARIOS.map((s) => s.id)
    for (const spec of Object.values(targets)) for (const v of spec.variants ?? []) for (const s of v.scenarios) expect(ids).toContain(s)
  })
})

describe('variants as data', () => {
  const sw = { path: '/mode', variant: { on: false }, host: { on: true } }
  const spec = (variants: TargetVariant[]): Readonly<Record<string, TargetSpec>> =>
    registry([{ name: 'host', summary: 'a fake', framework: () => 'fake 1.0.0', start: () => Promise.reject(new Error('not started')), variants }])

  it('measured in the selected ones of their scenarios; the host gets every planned variant\'s env, quoted for the shell', () => {
    const r = spec([
      { name: 'host-a', describe: 'a off', scenarios: ['json-async', 'json-sync'], env: { A: 'x y' }, switch: sw },
      { name: 'host-b', describe: 'b off', scenarios: ['cpu-sync'], env: { B: '1' }, switch: sw },
      { name: 'host-c', describe: 'c off', scenarios: ['io-wait-sync'], env: { C: '1' }, switch: sw },
    ])
    const plans = planTargets({ ...settings('express', 'json-sync,cpu-sync'), targets: ['host'] }, [], r)
    expect(plans.map((p) => [p.name, p.scenarios])).toEqual([['host', ['json-sync', 'cpu-sync']], ['host-a', ['json-sync']], ['host-b', ['cpu-sync']]])
    expect(plans[0]?.command).toBe(`A='x y' B=1 ${builtInCommand('host')}`)
    expect(plans[1]?.framework).toBe('fake 1.0.0, a off')
  })

  it('two planned variants that need different values of one variable are refused', () => {
    const r = spec([
      { name: 'host-a', describe: 'a', scenarios: ['json-sync'], env: { MODE: 'a' }, switch: sw },
      { name: 'host-b', describe: 'b', scenarios: ['json-sync'], env: { MODE: 'b' }, switch: sw },
    ])
    expect(() => planTargets({ ...settings('express', 'json-sync'), targets: ['host'] }, [], r)).toThrow('variants of host need MODE=a and MODE=b')
  })
})
