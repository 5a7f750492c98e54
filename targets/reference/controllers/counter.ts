/**
 * `/counter/{locked,unsafe}`: shared state touched by sync handlers running in parallel workers.
 * Declared without decorators (`defineController`), with constructor injection through `deps`.
 */
import { defineController, del, get, post } from '../../../impl/index.ts'
import { LockedCounter, UnsafeCounter } from '../services.ts'

export class CounterController {
  constructor(
    private readonly locked: LockedCounter,
    private readonly unsafe: UnsafeCounter,
  ) {}

  bumpLocked() { return { n: this.locked.increment() } }
  readLocked() { return { n: this.locked.read() } }
  resetLocked() { this.locked.reset() }

  bumpUnsafe() { return { n: this.unsafe.increment() } }
  readUnsafe() { return { n: this.unsafe.read() } }
  resetUnsafe() { this.unsafe.reset() }
}

defineController(CounterController, {
  prefix: '/counter',
  deps: [LockedCounter, UnsafeCounter],
  routes: {
    bumpLocked: post('/locked'),
    readLocked: get('/locked'),
    resetLocked: del('/locked'),
    bumpUnsafe: post('/unsafe'),
    readUnsafe: get('/unsafe'),
    resetUnsafe: del('/unsafe'),
  },
})
