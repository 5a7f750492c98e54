/**
 * `/health`, `/ping` and `/error/*`. Declared without decorators (`defineController`), the way a
 * plain JavaScript app declares its controllers; the conformance suites run against both forms.
 */
import { defineController, get } from '../../../impl/index.ts'

export class MiscController {
  static health() { return { status: 'ok' } }
  static async ping() { return 'pong' }
}

defineController(MiscController, {
  static: {
    health: get('/health'),
    ping: get('/ping'),
  },
})

export class ErrorController {
  sync(): never { throw new Error('deliberate failure in a sync handler') }
  async async(): Promise<never> { throw new Error('deliberate failure in an async handler') }
}

defineController(ErrorController, {
  prefix: '/error',
  routes: {
    sync: get('/sync'),
    async: get('/async'),
  },
})
