import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { TransportError, type TargetClient } from './client.ts'
import { countVerdicts, runCases, selectCases, verdictOf } from './runner.ts'
import { ALL_CASES } from './suites/index.ts'
import { SUITES, type CaseDef, type Outcome } from './types.ts'
import { V1_CASE_IDS } from './v1-case-ids.ts'

const mk = (id: string, level: CaseDef['level'], run: () => Promise<Outcome>, optional = false): CaseDef => ({ id, suite: 'coercion', level, description: id, optional, run })

describe('verdicts', () => {
  const must = mk('a', 'MUST', async () => ({ kind: 'pass' }))
  it.each<[CaseDef, Outcome, string]>([
    [must, { kind: 'pass' }, 'PASS'],
    [must, { kind: 'fail', level: 'MUST', reason: 'x' }, 'FAIL'],
    [must, { kind: 'fail', level: 'SHOULD', reason: 'x' }, 'WARN'],
    [mk('i', 'INFO', async () => ({ kind: 'pass' })), { kind: 'pass' }, 'INFO'],
    [must, { kind: 'info', reason: 'x', data: {} }, 'INFO'],
    [mk('o', 'SHOULD', async () => ({ kind: 'pass' }), true), { kind: 'unimplemented', reason: '404' }, 'UNIMPLEMENTED'],
    [must, { kind: 'unimplemented', reason: '404' }, 'FAIL'], // only optional endpoints may be missing
  ])('%#: %j → %s', (c, o, v) => {
    expect(verdictOf(c, o)).toBe(v)
  })
})

describe('selection', () => {
  it('by suite and by glob, keeping run order', () => {
    expect(selectCases(ALL_CASES, { suites: ['errors'] }).map((c) => c.id)).toEqual(['errors.sync.exception', 'errors.async.exception', 'errors.not-found', 'errors.method-not-allowed', 'errors.sync.dependency', 'errors.async.dependency'])
    expect(selectCases(ALL_CASES, { cases: ['*.transient'] }).map((c) => c.id)).toEqual(['thread-safety.sync.transient', 'thread-safety.async.transient'])
    expect(selectCases(ALL_CASES, { suites: ['coercion'], cases: ['coercion.async.*'] })).toHaveLength(13)
  })
  it('rejects unknown suites and empty selections', () => {
    expect(() => selectCases(ALL_CASES, { suites: ['speed'] })).toThrow('unknown suite speed')
    expect(() => selectCases(ALL_CASES, { cases: ['nothing.*'] })).toThrow('no case matches')
  })
  it('the invasive suite runs last', () => {
    const suites = ALL_CASES.map((c) => c.suite)
    expect(suites.indexOf('invasive')).toBeGreaterThan(suites.lastIndexOf('blocking'))
    expect(suites.slice(suites.indexOf('invasive')).every((s) => s === 'invasive')).toBe(true)
  })

  it('excludes suites, after --suite and together with --case', () => {
    const ids = (sel: Parameters<typeof selectCases>[1]) => selectCases(ALL_CASES, sel).map((c) => c.id)
    expect(ids({ excludeSuites: ['coercion'] })).toEqual(ALL_CASES.filter((c) => c.suite !== 'coercion').map((c) => c.id))
    expect(ids({ suites: ['context', 'background'], excludeSuites: ['background'] })).toEqual(['context.sync.request-id', 'context.async.request-id', 'context.parity.dependency-writes'])
    expect(ids({ cases: ['*.sync.*'], excludeSuites: ['coercion', 'extraction', 'thread-safety'] })).toEqual(['errors.sync.exception', 'errors.sync.dependency', 'context.sync.request-id', 'streaming.sync.iterator', 'cancellation.sync.client-abort'])
    // Every suite can be excluded: the one that runs last (the invasive one) is the usual one.
    for (const suite of SUITES) expect(selectCases(ALL_CASES, { excludeSuites: [suite] }).some((c) => c.suite === suite)).toBe(false)
  })
  it('an unknown or all-excluding --exclude-suite is a usage error that names the suites', () => {
    expect(() => selectCases(ALL_CASES, { excludeSuites: ['nope'] })).toThrow(`unknown suite nope in --exclude-suite; suites: ${SUITES.join(', ')}`)
    expect(() => selectCases(ALL_CASES, { suites: ['errors'], excludeSuites: ['errors'] })).toThrow('no case matches the given --suite/--exclude-suite/--case selection')
  })
  it('case ids are unique and follow suite.name', () => {
    const ids = ALL_CASES.map((c) => c.id)
    expect(new Set(ids).size).toBe(ids.length)
    // The invasive suite gathers cases by what they risk, not what they check: their ids keep their topic.
    for (const c of ALL_CASES) if (c.suite !== 'invasive') expect(c.id.startsWith(`${c.suite}.`), c.id).toBe(true)
    expect(ALL_CASES.filter((c) => c.suite === 'invasive').map((c) => c.id)).toEqual(['resources.sync-dependency-pool'])
  })
})

describe('runner', () => {
  it('a transport error gives ERROR; when /health fails too, the rest are not run', async () => {
    let sent = 0
    const client = { request: async () => { sent++; throw new TransportError('refused', 'connection refused: GET /x') } } as unknown as TargetClient
    const cases = [1, 2, 3].map((i) => mk(`c${i}`, 'MUST', async () => { await client.request('/x'); return { kind: 'pass' } }))
    const results = await runCases(client, cases, { timeoutMs: 100 })
    expect(results.map((r) => r.verdict)).toEqual(['ERROR', 'ERROR', 'ERROR'])
    expect(results[0]?.reason).toBe('connection refused: GET /x')
    expect(results[1]?.reason).toBe('not run: the target stopped answering during c1 (connection refused: GET /x)')
    expect(sent).toBe(2) // the case's request and one /health check, nothing more
    expect(countVerdicts(results)).toEqual({ PASS: 0, FAIL: 0, WARN: 0, INFO: 0, UNIMPLEMENTED: 0, ERROR: 3 })
  })

  it('an error in one case does not stop the run while the target still answers', async () => {
    const client = { request: async () => ({ status: 200, headers: {}, body: Buffer.alloc(0), ms: 1 }) } as unknown as TargetClient
    const cases = [mk('bad', 'MUST', async () => { throw new Error('unexpected') }), mk('good', 'MUST', async () => ({ kind: 'pass' }))]
    const results = await runCases(client, cases, { timeoutMs: 100 })
    expect(results.map((r) => [r.verdict, r.reason])).toEqual([['ERROR', 'the case could not complete: unexpected'], ['PASS', '']])
  })

  it('a known-gone target marks everything not run without sending', async () => {
    const client = { request: async () => { throw new Error('must not be called') } } as unknown as TargetClient
    const results = await runCases(client, [mk('a', 'MUST', async () => ({ kind: 'pass' }))], { timeoutMs: 100, targetGone: () => 'the target process exited (code 1)' })
    expect(results[0]?.reason).toBe('not run: the target process exited (code 1)')
  })
})

describe('attempts: a failing timing case is run again, and fails only if every attempt fails', () => {
  const client = {} as TargetClient
  /** A timing case (unless `timing` is false) whose n-th run gives `script[n]`; counts its runs. */
  function scripted(script: readonly ('pass' | 'fail' | 'warn')[], timing = true) {
    let runs = 0
    const c: CaseDef = {
      ...mk('blocking.fake', 'MUST', async () => {
        const step = script[runs++] ?? 'pass'
        const data = { worstPingMs: 100 + runs, pingTimeline: [[0, 1, 1]] }
        if (step === 'pass') return { kind: 'pass', data }
        return { kind: 'fail', level: step === 'fail' ? 'MUST' : 'SHOULD', reason: `pings waited up to ${100 + runs} ms (bound 100 ms)`, data }
      }),
      ...(timing && { timing: true as const }),
    }
    return { c, runs: () => runs }
  }

  it('fail, then pass → PASS, unstable, with both attempts and their numbers in data', async () => {
    const { c, runs } = scripted(['fail', 'pass'])
    const [r] = await runCases(client, [c], { timeoutMs: 100 })
    expect(runs()).toBe(2)
    expect(r).toMatchObject({ verdict: 'PASS', reason: '', unstable: true })
    expect(r?.data?.attempts).toEqual([
      { verdict: 'FAIL', reason: 'pings waited up to 101 ms (bound 100 ms)', worstPingMs: 101, durationMs: expect.any(Number) },
      { verdict: 'PASS', reason: '', worstPingMs: 102, durationMs: expect.any(Number) },
    ])
    expect(r?.data?.worstPingMs).toBe(102) // the rest of data is the attempt that stands
  })

  it('fail × 3 → FAIL with 3 attempts, not unstable; a WARN is tried again too', async () => {
    const { c, runs } = scripted(['fail', 'fail', 'fail', 'pass'])
    const [r] = await runCases(client, [c], { timeoutMs: 100 })
    expect(runs()).toBe(3)
    expect(r?.verdict).toBe('FAIL')
    expect(r?.unstable).toBeUndefined()
    expect((r?.data?.attempts as unknown[]).length).toBe(3)
    const warned = scripted(['warn', 'pass'])
    expect((await runCases(client, [warned.c], { timeoutMs: 100 }))[0]).toMatchObject({ verdict: 'PASS', unstable: true })
  })

  it('a case that is not timing-based is never run again', async () => {
    const { c, runs } = scripted(['fail', 'pass'], false)
    const [r] = await runCases(client, [c], { timeoutMs: 100 })
    expect(runs()).toBe(1)
    expect(r?.verdict).toBe('FAIL')
    expect(r?.data?.attempts).toBeUndefined()
  })

  it('attempts: 1 → no re-run; a pass on the first attempt → no re-run', async () => {
    const once = scripted(['fail', 'pass'])
    expect((await runCases(client, [once.c], { timeoutMs: 100, attempts: 1 }))[0]?.verdict).toBe('FAIL')
    expect(once.runs()).toBe(1)
    const first = scripted(['pass'])
    const [r] = await runCases(client, [first.c], { timeoutMs: 100 })
    expect([first.runs(), r?.unstable, r?.data?.attempts]).toEqual([1, undefined, undefined])
  })

  it('the cases judged by a time bound are the timing ones', () => {
    expect(ALL_CASES.filter((c) => c.timing).map((c) => c.id)).toEqual([
      'deps.sync-dependency-keeps-loop-free',
      'background.sync-task',
      'streaming.sync.iterator',
      'streaming.async.iterator',
      'capacity.sync-parallelism',
      'capacity.overflow-keeps-loop-free',
      'blocking.sync-parallel',
      'blocking.sync-keeps-loop-free',
      'blocking.async-wait-keeps-loop-free',
      'blocking.saturation',
      'blocking.cpu-sync',
      'blocking.cpu-offload',
    ])
  })

  it.each([0, 1.5, Number.NaN])('attempts: %s is rejected', async (attempts) => {
    await expect(runCases(client, [], { timeoutMs: 100, attempts })).rejects.toThrow(`options.attempts must be a positive integer, got ${attempts}`)
  })
})

describe('the contract documents', () => {
  const doc = readFileSync(new URL('./contract-v1.md', import.meta.url), 'utf8')
  const v2 = readFileSync(new URL('./contract-v2.md', import.meta.url), 'utf8')
  it('v1 names every v1 case', () => {
    const missing = ALL_CASES.filter((c) => {
      if (!V1_CASE_IDS.includes(c.id)) return false
      if (doc.includes(`\`${c.id}\``)) return false
      const [suite, mode, name] = c.id.split('.')
      if (suite === 'extraction') return !doc.includes(`| \`${name}\` |`) || !doc.includes('`extraction.{mode}.<name>`')
      if (suite === 'coercion' && mode === 'parity') return !doc.includes(`\`${name}\``)
      return true
    })
    expect(missing.map((c) => c.id)).toEqual([])
  })
  it('v2 names every case v1 does not, with its level', () => {
    const added = ALL_CASES.filter((c) => !V1_CASE_IDS.includes(c.id))
    expect(added.length).toBeGreaterThan(0)
    const row = (id: string): string | undefined => v2.split('\n').find((line) => line.startsWith('|') && line.includes(`\`${id}\``))
    expect(added.filter((c) => !row(c.id)?.includes(` ${c.level}`)).map((c) => `${c.id} ${c.level}`)).toEqual([])
  })
  it('v2 names the suites it adds and how to leave one out', () => {
    for (const suite of new Set(ALL_CASES.filter((c) => !V1_CASE_IDS.includes(c.id)).map((c) => c.suite))) expect(v2).toContain(`### ${suite}`)
    expect(v2).toContain('--exclude-suite invasive')
    expect(v2).toContain('--contract v1')
  })
  it('documents the check value', () => {
    expect(doc).toContain('a10d8cf5f23f3cf430cbc2bcef1d1dccc52602e9d10ff7b2ff90c6ee3f68b728')
  })
})
