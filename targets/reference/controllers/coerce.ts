/**
 * `/coerce/{sync,async}/*`: one endpoint per row of the coercion table. The sync and async
 * controllers return the same values, so their responses must be byte-identical.
 */
import { controller, get, Response } from '../../../impl/index.ts'
import { BYTES, Point, Widget } from '../schemas.ts'

export const values = {
  dict: () => ({ kind: 'dict', n: 1 }),
  model: () => new Widget({ id: 7, name: 'widget' }),
  dataclass: () => new Point(1, 2),
  str: () => 'hello, world',
  unicode: () => 'héllo ✓',
  none: () => undefined,
  created: () => [{ created: true }, 201] as const,
  response: () => new Response('raw', { status: 202, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-passthrough': '1' } }),
  int: () => 42,
  float: () => 3.5,
  list: () => [1, 2, 3],
  bool: () => true,
  bytes: () => BYTES,
}

@controller('/coerce/sync')
export class CoerceSync {
  @get('/dict') dict() { return values.dict() }
  @get('/model') model() { return values.model() }
  @get('/dataclass') dataclass() { return values.dataclass() }
  @get('/str') str() { return values.str() }
  @get('/unicode') unicode() { return values.unicode() }
  @get('/none') none() { return values.none() }
  @get('/created') created() { return values.created() }
  @get('/response') response() { return values.response() }
  @get('/int') int() { return values.int() }
  @get('/float') float() { return values.float() }
  @get('/list') list() { return values.list() }
  @get('/bool') bool() { return values.bool() }
  @get('/bytes') bytes() { return values.bytes() }
}

@controller('/coerce/async')
export class CoerceAsync {
  @get('/dict') async dict() { return values.dict() }
  @get('/model') async model() { return values.model() }
  @get('/dataclass') async dataclass() { return values.dataclass() }
  @get('/str') async str() { return values.str() }
  @get('/unicode') async unicode() { return values.unicode() }
  @get('/none') async none() { return values.none() }
  @get('/created') async created() { return values.created() }
  @get('/response') async response() { return values.response() }
  @get('/int') async int() { return values.int() }
  @get('/float') async float() { return values.float() }
  @get('/list') async list() { return values.list() }
  @get('/bool') async bool() { return values.bool() }
  @get('/bytes') async bytes() { return values.bytes() }
}
