import { describe, expect, it } from 'vitest'
import { sha256Chain } from './blocking.ts'
import { heavyDigest } from './heavy-digest.ts'

describe('the cpu cases\' heavy digest, computed in a worker', () => {
  it('is the same chain as sha256Chain (the check value for K=3, and K=1000)', async () => {
    expect(await heavyDigest({ rounds: 3 })).toEqual({ rounds: 3, digest: 'a10d8cf5f23f3cf430cbc2bcef1d1dccc52602e9d10ff7b2ff90c6ee3f68b728' })
    expect((await heavyDigest({ rounds: 1000 })).digest).toBe(sha256Chain(1000))
  })
})
