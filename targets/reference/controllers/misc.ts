/** `/health`, `/ping` and `/error/*`. */
import { controller, get } from '../../../impl/index.ts'

@controller()
export class MiscController {
  @get('/health') static health() { return { status: 'ok' } }
  @get('/ping') static async ping() { return 'pong' }
}

@controller('/error')
export class ErrorController {
  @get('/sync') sync(): never { throw new Error('deliberate failure in a sync handler') }
  @get('/async') async async(): Promise<never> { throw new Error('deliberate failure in an async handler') }
}
