import { describe, expect, it } from 'vitest'
import type { Reply, TargetClient } from '../client.ts'
import { runCases } from '../runner.ts'
import { depsCases } from './deps.ts'

const reply = (status: number, body: string): Reply => ({ status, headers: { 'content-type': 'application/json' }, body: Buffer.from(body), ms: 1 })

function target(deps: (path: string) => Reply): TargetClient {
  return { request: async (path: string) => (path === '/health' || path === '/ping' ? reply(200, '{}') : deps(path)) } as unknown as TargetClient
}

describe('deps.sync-dependency-keeps-loop-free', () => {
  it('a missing endpoint → UNIMPLEMENTED: a 404 never satisfies the MUST', async () => {
    const [r] = await runCases(target(() => reply(404, 'Not Found')), depsCases, { timeoutMs: 1_000, attempts: 1 })
    expect([r?.verdict, r?.reason]).toEqual(['UNIMPLEMENTED', 'GET /deps/async/blocking-dep?ms=0 answered 404: the endpoint is missing'])
  })

  it('a dependency that does not provide N → FAIL naming the answer', async () => {
    const [r] = await runCases(target(() => reply(200, '{"slept":0}')), depsCases, { timeoutMs: 1_000, attempts: 1 })
    expect([r?.verdict, r?.reason]).toEqual(['FAIL', '4 of 4 GET /deps/async/blocking-dep?ms=300 answered 200 "{\\"slept\\":0}" (the first), expected 200 {"slept":300}'])
  })
})
