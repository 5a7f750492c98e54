import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadExternalTargets } from './config.ts'
import { buildSettings } from './profiles.ts'

describe('profiles and overrides', () => {
  it('default: 3 trials, every scenario and built-in target, full verification', () => {
    const s = buildSettings({})
    expect(s).toMatchObject({ profile: 'default', trials: 3, durationSec: 2, warmupSec: 1, targets: ['reference', 'express', 'fastify', 'fastify-piscina'] })
    expect(s.scenarios).toHaveLength(7)
    expect(s.verifySuites).toContain('blocking')
  })
  it('quick: 1 trial of 1 s, verification without the slow suites; overrides win', () => {
    expect(buildSettings({ quick: true })).toMatchObject({ profile: 'quick', trials: 1, durationSec: 1, verifySuites: ['coercion', 'extraction', 'errors'] })
    expect(buildSettings({ quick: true, trials: '2', duration: '3', connections: '8', targets: 'express', scenarios: 'json-sync' })).toMatchObject({ trials: 2, durationSec: 3, connections: 8, targets: ['express'], scenarios: ['json-sync'] })
  })
  it.each([
    [{ trials: '0' }, '--trials must be an integer ≥ 1, got "0"'],
    [{ duration: 'x' }, '--duration must be an integer ≥ 1, got "x"'],
    [{ duration: '1.5' }, '--duration must be an integer ≥ 1, got "1.5"'],
    [{ connections: '1.5' }, '--connections must be an integer ≥ 1, got "1.5"'],
    [{ scenarios: 'json-async,nope' }, 'unknown scenario nope'],
    [{ targets: 'koa' }, 'unknown target koa'],
    [{ driver: 'ab' }, '--driver must be autocannon or wrk, got "ab"'],
  ])('%j → %s', (o, message) => {
    expect(() => buildSettings(o)).toThrow(message)
  })
  it('the load generator: autocannon unless --driver says wrk', () => {
    expect(buildSettings({}).driver).toBe('autocannon')
    expect(buildSettings({ driver: 'wrk' }).driver).toBe('wrk')
  })
  it('external targets are appended and may be selected by name', () => {
    expect(buildSettings({}, ['fastapi']).targets).toEqual(['reference', 'express', 'fastify', 'fastify-piscina', 'fastapi'])
    expect(buildSettings({ targets: 'fastapi' }, ['fastapi']).targets).toEqual(['fastapi'])
  })
})

describe('external targets', () => {
  it('from unblocked.config.json and --target flags (flags win)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unblocked-cfg-'))
    writeFileSync(join(dir, 'unblocked.config.json'), JSON.stringify({ targets: { fastapi: { command: 'uvicorn app:app --port {port}', framework: 'FastAPI 0.92' }, go: './server {port}' } }))
    const t = await loadExternalTargets(['go=./server2 --port {port}'], dir)
    expect(t).toEqual([
      { name: 'fastapi', command: 'uvicorn app:app --port {port}', framework: 'FastAPI 0.92' },
      { name: 'go', command: './server2 --port {port}', framework: 'unknown (external)' },
    ])
  })
  it.each([
    [['nocommand'], '--target must be name=<command with {port}>, got "nocommand"'],
    [['bad name=x'], 'target name "bad name" must be letters'],
    [['x='], 'target "x" has an empty command'],
  ])('%j is rejected', async (flags, message) => {
    await expect(loadExternalTargets(flags, tmpdir())).rejects.toThrow(message)
  })
})
