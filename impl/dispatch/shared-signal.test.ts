import { describe, expect, it } from 'vitest'
import { cancelCell, markGone, sharedAbortSignal } from './shared-signal.ts'

describe('sharedAbortSignal', () => {
  it('reads the shared cell at every check: aborted, throwIfAborted, then the abort event', () => {
    const cell = cancelCell()
    const signal = sharedAbortSignal(cell)
    let heard = 0
    signal.addEventListener('abort', () => heard++)
    expect(signal.aborted).toBe(false)
    expect(() => signal.throwIfAborted()).not.toThrow()
    markGone(cell)
    expect(() => signal.throwIfAborted()).toThrow('the client disconnected')
    expect(signal.aborted).toBe(true)
    expect(heard).toBe(1)
    expect(signal).toBeInstanceOf(AbortSignal)
  })
})
