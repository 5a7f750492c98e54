/** `/counter/{locked,unsafe}`: shared state touched by sync handlers running in parallel workers. */
import { controller, del, get, post } from '../../../impl/index.ts'
import { LockedCounter, UnsafeCounter } from '../services.ts'

@controller('/counter', { deps: [LockedCounter, UnsafeCounter] })
export class CounterController {
  constructor(
    private readonly locked: LockedCounter,
    private readonly unsafe: UnsafeCounter,
  ) {}

  @post('/locked') bumpLocked() { return { n: this.locked.increment() } }
  @get('/locked') readLocked() { return { n: this.locked.read() } }
  @del('/locked') resetLocked() { this.locked.reset() }

  @post('/unsafe') bumpUnsafe() { return { n: this.unsafe.increment() } }
  @get('/unsafe') readUnsafe() { return { n: this.unsafe.read() } }
  @del('/unsafe') resetUnsafe() { this.unsafe.reset() }
}
