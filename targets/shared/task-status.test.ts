import { describe, expect, it } from 'vitest'
import { BackgroundTasks, MAX_KEYS, WorkLog } from './task-status.ts'

describe('BackgroundTasks', () => {
  it('knows a key from pending to done, and no other', () => {
    const tasks = new BackgroundTasks()
    tasks.pending('a')
    expect(tasks.state('a')).toBe('pending')
    tasks.done('a')
    expect(tasks.state('a')).toBe('done')
    expect(tasks.state('b')).toBeUndefined()
  })

  it('forgets its oldest keys beyond MAX_KEYS, so clients cannot grow it without bound', () => {
    const tasks = new BackgroundTasks()
    for (let i = 0; i <= MAX_KEYS; i++) tasks.pending(`k${i}`)
    expect(tasks.state('k0')).toBeUndefined()
    expect(tasks.state('k1')).toBe('pending')
    expect(tasks.state(`k${MAX_KEYS}`)).toBe('pending')
  })
})

describe('WorkLog', () => {
  it('counts steps from any thread through shared memory and reports the final state', () => {
    const log = new WorkLog()
    const record = log.begin('w')
    record.step()
    Atomics.add(new Int32Array(record.steps.buffer), 0, 2) // as a worker holding the buffer would
    expect(log.status('w')).toEqual({ state: 'running', steps: 3 })
    record.finish('cancelled')
    expect(log.status('w')).toEqual({ state: 'cancelled', steps: 3 })
    expect(log.status('x')).toBeUndefined()
  })

  it('a new begin under a key replaces the old record', () => {
    const log = new WorkLog()
    log.begin('w').finish('done')
    log.begin('w')
    expect(log.status('w')).toEqual({ state: 'running', steps: 0 })
  })
})
