/**
 * The v2 context, background, cancellation and dependency-error cases end to end: the CLI against
 * a small target that implements them right, then broken the way real frameworks are (the right
 * verdict, a one-line reason stating what was seen), and the contract and suite selection flags.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { V1_CASE_IDS } from '../scenarios/v1-case-ids.ts'
import { BIN, casesById, runConformance } from './cli.ts'

const FIXTURE = fileURLToPath(new URL('./fixtures/v2-context-target.mjs', import.meta.url))
const fixture = (broken = ''): string => `${broken ? `BROKEN=${broken} ` : ''}"${process.execPath}" "${FIXTURE}"`
const V2_CASES = 'context.*,background.*,cancellation.*,errors.*.dependency'

const cli = (args: string[], limitMs = 90_000) => runConformance(args, limitMs)

const byId = casesById

/** stderr and the exit code of a CLI call that never reaches a target. */
async function usage(args: string[]): Promise<{ code: unknown; err: string; text: string }> {
  const child = spawn(process.execPath, [BIN, 'conformance', ...args])
  let err = ''
  let text = ''
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
  child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d))
  const code = await new Promise((r) => child.once('exit', r))
  return { code, err, text }
}

describe('a target that implements them', () => {
  it('passes context, background and dependency errors; cancellation is recorded as seen; contract v2', async () => {
    const run = await cli(['--spawn', fixture(), '--case', V2_CASES])
    const c = byId(run.report)
    const verdicts = Object.fromEntries(Object.entries(c).map(([id, r]) => [id, `${r.verdict} ${r.reason}`.trim()]))
    expect(verdicts).toMatchObject({
      'context.sync.request-id': 'PASS',
      'context.async.request-id': 'PASS',
      'context.parity.dependency-writes': 'PASS',
      'background.sync-task': 'PASS',
      'errors.sync.dependency': 'PASS',
      'errors.async.dependency': 'PASS',
    })
    expect(run.report.cases).toHaveLength(8)
    expect(c['context.parity.dependency-writes']?.data).toEqual({ syncSeen: 'dep', asyncSeen: 'dep' })
    expect(c['background.sync-task']?.data).toMatchObject({ stateAfter: 'pending', pingFailures: 0 })
    // Sync work cannot notice the disconnect and runs on; the async handler stops between steps.
    expect(c['cancellation.sync.client-abort']?.verdict).toBe('INFO')
    expect(c['cancellation.sync.client-abort']?.reason).toMatch(/^the client disconnected \d+(\.\d)? ms into GET \/work\/sync\?ms=1000; 1\.5 s later the work ran to completion \(100 of 100 steps\)$/)
    expect(c['cancellation.async.client-abort']?.reason).toMatch(/^the client disconnected \d+(\.\d)? ms into GET \/work\/async\?ms=1000; 1\.5 s later the work stopped after \d+ of 100 steps$/)
    expect(c['cancellation.async.client-abort']?.data?.steps).toBeLessThan(100)
    expect(run.report.contract).toBe('v2')
    expect(run.stdout).toContain('unblocked conformance v2 → ')
    expect(run.code).toBe(0)
  })
})

describe('a target broken the way real frameworks are', () => {
  it('leaked request ids, a lost dependency write, a task run before the answer, a 400 with a trace: the right verdicts, one-line reasons', async () => {
    const run = await cli(['--spawn', fixture('context,dep-writes,background,dep-error'), '--case', V2_CASES])
    const c = byId(run.report)
    for (const mode of ['sync', 'async']) {
      expect(c[`context.${mode}.request-id`]?.verdict).toBe('FAIL')
      expect(c[`context.${mode}.request-id`]?.reason).toMatch(
        new RegExp(`^\\d+ of 64 concurrent GET /context/${mode}\\?ms=20 did not answer 200 \\{"rid":<their own x-request-id>\\}, \\d+ of them with another request's id; first: x-request-id rid-[0-9a-f]{8}-\\d+-\\d+ answered 200 "\\{\\\\"rid\\\\":\\\\"rid-[0-9a-f]{8}-\\d+-\\d+\\\\"\\}"$`),
      )
      expect(c[`context.${mode}.request-id`]?.data?.otherRequestsIds).toBeGreaterThan(32)
      expect(c[`errors.${mode}.dependency`]?.verdict).toBe('FAIL')
      expect(c[`errors.${mode}.dependency`]?.reason).toMatch(new RegExp(`^GET /error/${mode}/depends answered 400 "Error: dependency exploded at explodingDependency \\(file://[^"]+\\)[^"]*", expected 5xx \\(never 4xx\\)$`))
    }
    expect(c['context.parity.dependency-writes']).toMatchObject({ verdict: 'WARN', reason: 'GET /context/sync/dep-writes saw null, GET /context/async/dep-writes saw "dep"' })
    const bg = c['background.sync-task']
    expect(bg?.verdict).toBe('FAIL')
    expect(bg?.reason).toMatch(/^the 202 to POST \/background\/sync\?ms=300&key=K was complete \d+(\.\d)? ms after the send \(bound 150 ms; the task takes 300 ms\)$/)
    // A timing case: every attempt failed, each with its own key, so the verdict is stable.
    expect(bg?.unstable).toBeUndefined()
    expect((bg?.data?.attempts as unknown[] | undefined)?.length).toBe(3)
    expect(bg?.data?.stateAfter).toBe('done')
    for (const r of run.report.cases) expect(r.reason).not.toMatch(/[\r\n]/)
    expect(run.code).toBe(1)
  })
})

describe('contract and suite selection', () => {
  it('--contract v1 runs only v1 cases, and the report says v1', async () => {
    const run = await cli(['--spawn', fixture(), '--contract', 'v1', '--case', 'errors.*'])
    expect(run.report.contract).toBe('v1')
    expect(run.report.cases.map((c) => c.id)).toEqual(['errors.sync.exception', 'errors.async.exception', 'errors.not-found', 'errors.method-not-allowed'])
    expect(run.stdout).toContain('unblocked conformance v1 → ')
  })

  it('--contract v1 --list lists the 77 v1 cases; the default lists more', async () => {
    const v1 = await usage(['--contract', 'v1', '--list'])
    const ids = v1.text.trim().split('\n').map((line) => line.split(/\s+/)[0])
    expect(ids).toHaveLength(77)
    expect(ids.every((id) => V1_CASE_IDS.includes(id ?? ''))).toBe(true)
    const all = await usage(['--list'])
    expect(all.text).toMatch(/^context\.sync\.request-id\s+MUST\s+\(optional\)/m)
    expect(all.text.trim().split('\n').length).toBeGreaterThan(77)
  })

  it('--exclude-suite, repeatable and comma-separated, leaves those suites out', async () => {
    const run = await cli(['--spawn', fixture(), '--suite', 'context,background,cancellation', '--exclude-suite', 'background,cancellation'])
    expect(run.report.cases.map((c) => c.id)).toEqual(['context.sync.request-id', 'context.async.request-id', 'context.parity.dependency-writes'])
    const listed = await usage(['--list', '--exclude-suite', 'coercion,extraction', '--exclude-suite', 'blocking'])
    expect(listed.code).toBe(0)
    expect(listed.text).not.toMatch(/^(coercion|extraction|blocking)\./m)
    expect(listed.text).toMatch(/^errors\.sync\.exception/m)
  })

  it.each([
    [['--exclude-suite', 'nope', '--list'], 'unknown suite nope in --exclude-suite; suites: coercion, extraction, errors'],
    [['--suite', 'errors', '--exclude-suite', 'errors', '--list'], 'no case matches the given --suite/--exclude-suite/--case selection'],
    [['--contract', 'v1', '--case', 'context.*', '--list'], 'no case of contract v1 matches the given --suite/--exclude-suite/--case selection (3 of a later contract do)'],
    [['--contract', 'v1', '--suite', 'context', '--list'], 'no case of contract v1 matches'],
    [['--contract', 'v3', '--list'], '--contract must be one of v1, v2, got "v3"'],
  ])('%j → exit 2 with a one-line reason', async (args, message) => {
    const { code, err } = await usage(args)
    expect(code).toBe(2)
    expect(err).toContain(message)
    expect(err.trim().split('\n')).toHaveLength(1)
  })
})
