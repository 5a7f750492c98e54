/** `/scope/{sync,async}/*`: request-scoped and transient services under concurrency. */
import { setTimeout as sleep } from 'node:timers/promises'
import { controller, get, query, resolver, sleepSync, type Resolver } from '../../../impl/index.ts'
import { Stamp, TagStore } from '../services.ts'

@controller('/scope/sync')
export class ScopeSync {
  @get('/request', query('tag'), resolver())
  request(tag: string, r: Resolver) {
    const first = r.get(TagStore)
    first.tag = tag
    sleepSync(20)
    const again = r.get(TagStore)
    return { tag: again.tag, same: first === again }
  }

  @get('/transient', resolver())
  transient(r: Resolver) { return { distinct: r.get(Stamp) !== r.get(Stamp) } }
}

@controller('/scope/async')
export class ScopeAsync {
  @get('/request', query('tag'), resolver())
  async request(tag: string, r: Resolver) {
    const first = r.get(TagStore)
    first.tag = tag
    await sleep(20)
    const again = r.get(TagStore)
    return { tag: again.tag, same: first === again }
  }

  @get('/transient', resolver())
  async transient(r: Resolver) { return { distinct: r.get(Stamp) !== r.get(Stamp) } }
}
