/**
 * `/scope/{sync,async}/*`: request-scoped and transient services under concurrency. Declared
 * without decorators (`defineController`), as are the services they resolve (services.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { defineController, get, query, resolver, sleepSync, type Resolver } from '../../../impl/index.ts'
import { Stamp, TagStore } from '../services.ts'

const routes = {
  request: get('/request', query('tag'), resolver()),
  transient: get('/transient', resolver()),
}

export class ScopeSync {
  request(tag: string, r: Resolver) {
    const first = r.get(TagStore)
    first.tag = tag
    sleepSync(20)
    const again = r.get(TagStore)
    return { tag: again.tag, same: first === again }
  }

  transient(r: Resolver) { return { distinct: r.get(Stamp) !== r.get(Stamp) } }
}

defineController(ScopeSync, { prefix: '/scope/sync', routes })

export class ScopeAsync {
  async request(tag: string, r: Resolver) {
    const first = r.get(TagStore)
    first.tag = tag
    await sleep(20)
    const again = r.get(TagStore)
    return { tag: again.tag, same: first === again }
  }

  async transient(r: Resolver) { return { distinct: r.get(Stamp) !== r.get(Stamp) } }
}

defineController(ScopeAsync, { prefix: '/scope/async', routes })
