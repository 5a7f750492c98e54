import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadExternalTargets } from './config.ts'
import { profilesHelp } from './profile-presets.ts'
import { buildSettings, trialsFor } from './profiles.ts'

describe('profiles and overrides', () => {
  it('default: 10 paired 1 s trials where a requirement reads, 3 elsewhere, every scenario and built-in target, full verification', () => {
    const s = buildSettings({})
    expect(s).toMatchObject({ profile: 'default', trials: 3, durationSec: 1, warmupSec: 1, driver: 'autocannon', targets: ['reference', 'express', 'fastify', 'fastify-piscina', 'node-http'] })
    expect(s.trialsByScenario).toEqual({ 'json-async': 10, 'json-sync': 10, 'cpu-sync': 10, 'ping-under-sync-blocking': 10 })
    expect(trialsFor(s, 'io-wait-sync')).toBe(3)
    expect(s.scenarios).toHaveLength(7)
    expect(s.verifySuites).toEqual(['coercion', 'extraction', 'errors', 'thread-safety'])
    expect(s.openLoop).toEqual({ scenarios: ['json-async'], fractions: [0.25, 0.5, 0.75], durationSec: 1 })
    expect(Number.isInteger(s.seed)).toBe(true)
  })
  it('quick: 3 trials where a requirement reads, 1 elsewhere, verification without the slow suites but with blocking; overrides win', () => {
    const q = buildSettings({ quick: true, seed: '5' })
    // blocking: a CI report says which targets block (the default profile leaves it to its load scenarios)
    expect(q).toMatchObject({ profile: 'quick', trials: 1, durationSec: 1, seed: 5, verifySuites: ['coercion', 'extraction', 'errors', 'blocking'], openLoop: undefined })
    expect(trialsFor(q, 'json-async')).toBe(3)
    const o = buildSettings({ quick: true, trials: '2', duration: '3', connections: '8', targets: 'express', scenarios: 'json-sync' })
    expect(o).toMatchObject({ trials: 2, durationSec: 3, connections: 8, targets: ['express'], scenarios: ['json-sync'], trialsByScenario: { 'json-sync': 2 } })
  })
  it.each([
    [{ trials: '0' }, '--trials must be an integer ≥ 1, got "0"'],
    [{ duration: 'x' }, '--duration must be an integer ≥ 1, got "x"'],
    [{ duration: '1.5' }, '--duration must be an integer ≥ 1, got "1.5"'],
    [{ connections: '1.5' }, '--connections must be an integer ≥ 1, got "1.5"'],
    [{ scenarios: 'json-async,nope' }, 'unknown scenario nope'],
    [{ targets: 'koa' }, 'unknown target koa; built-in targets: reference, express, fastify, fastify-piscina, node-http (add others with --spawn name=command)'],
    [{ driver: 'ab' }, '--driver must be autocannon or wrk, got "ab"'],
  ])('%j → %s', (o, message) => {
    expect(() => buildSettings(o)).toThrow(message)
  })
  it('the load generator: autocannon unless --driver says wrk', () => {
    expect(buildSettings({}).driver).toBe('autocannon')
    expect(buildSettings({ driver: 'wrk' }).driver).toBe('wrk')
  })
  it("bench --help says what each profile verifies, within 100 columns", () => {
    const help = profilesHelp()
    expect(help).toMatch(/\(default\) .*\n.*verifies each target first with coercion, extraction, errors, thread-safety\n.*not blocking/)
    expect(help).toMatch(/--quick .*for CI.*\n.*verifies each target first with coercion, extraction, errors, blocking\n/)
    for (const line of help.split('\n')) expect([...line].length).toBeLessThanOrEqual(100)
  })
  it('external targets are appended and may be selected by name', () => {
    expect(buildSettings({}, ['fastapi']).targets).toEqual(['reference', 'express', 'fastify', 'fastify-piscina', 'node-http', 'fastapi'])
    expect(buildSettings({ targets: 'fastapi' }, ['fastapi']).targets).toEqual(['fastapi'])
  })
})

describe('external targets', () => {
  it('from unblocked.config.json and --spawn flags (flags win)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unblocked-cfg-'))
    writeFileSync(join(dir, 'unblocked.config.json'), JSON.stringify({ targets: { fastapi: { command: 'uvicorn app:app --port {port}', framework: 'FastAPI 0.92' }, go: './server {port}' } }))
    const t = await loadExternalTargets(['go=./server2 --port {port}'], dir)
    expect(t).toEqual([
      { name: 'fastapi', command: 'uvicorn app:app --port {port}', framework: 'FastAPI 0.92' },
      { name: 'go', command: './server2 --port {port}', framework: 'unknown (external)' },
    ])
  })
  it.each([
    [['nocommand'], '--spawn must be name=<command with {port}>, got "nocommand"'],
    [['bad name=x'], 'target name "bad name" must be letters'],
    [['x='], 'target "x" has an empty command'],
  ])('%j is rejected', async (flags, message) => {
    await expect(loadExternalTargets(flags, tmpdir())).rejects.toThrow(message)
  })
})
