/** `coercion.*`: the return-value coercion table, for sync and async handlers, and their parity. */
import { Checker, compare, EXCERPT, excerpt, type Expectation } from '../check.ts'
import { capText } from '../one-line.ts'
import type { CaseDef } from '../types.ts'

export const COERCION_ROWS: Record<string, { returns: string; want: Expectation }> = {
  dict: { returns: 'a mapping {"kind":"dict","n":1}', want: { status: 200, type: 'application/json', json: { kind: 'dict', n: 1 } } },
  model: { returns: 'a validated model instance {"id":7,"name":"widget"}', want: { status: 200, type: 'application/json', json: { id: 7, name: 'widget' } } },
  dataclass: { returns: 'a plain class instance {"x":1,"y":2}', want: { status: 200, type: 'application/json', json: { x: 1, y: 2 } } },
  str: { returns: 'the string "hello, world"', want: { status: 200, type: 'text/plain', text: 'hello, world' } },
  unicode: { returns: 'the string "héllo ✓"', want: { status: 200, type: 'text/plain', text: 'héllo ✓' } },
  none: { returns: 'nothing (null/None)', want: { status: 204, type: null } },
  created: { returns: 'the tuple ({"created":true}, 201)', want: { status: 201, type: 'application/json', json: { created: true } } },
  response: {
    returns: 'a framework Response: 202, x-passthrough: 1, text/plain "raw"',
    want: { status: 202, type: 'text/plain', text: 'raw', headers: { 'x-passthrough': '1' } },
  },
  int: { returns: '42', want: { status: 200, type: 'application/json', json: 42 } },
  float: { returns: '3.5', want: { status: 200, type: 'application/json', json: 3.5 } },
  list: { returns: '[1,2,3]', want: { status: 200, type: 'application/json', json: [1, 2, 3] } },
  bool: { returns: 'true', want: { status: 200, type: 'application/json', json: true } },
  bytes: { returns: 'the bytes 00 01 62 69 6e', want: { status: 200, type: 'application/octet-stream', bytes: Buffer.from([0, 1, 0x62, 0x69, 0x6e]) } },
}

function rowCase(mode: 'sync' | 'async', name: string, row: (typeof COERCION_ROWS)[string]): CaseDef {
  return {
    id: `coercion.${mode}.${name}`,
    suite: 'coercion',
    level: 'MUST',
    description: `${mode === 'async' ? 'an' : 'a'} ${mode} handler that returns ${row.returns} → ${row.want.status}${row.want.type ? ` ${row.want.type}` : ', no body'}`,
    async run({ client }) {
      const c = new Checker()
      const reply = await client.request(`/coerce/${mode}/${name}`)
      c.mustMatch(reply, row.want, row.want.headers ? Object.keys(row.want.headers) : [])
      return c.outcome()
    },
  }
}

/** Headers whose values legitimately differ between two responses. */
const VOLATILE = new Set(['date', 'connection', 'keep-alive', 'server', 'x-request-id', 'transfer-encoding', 'content-length'])

function parityCase(name: string): CaseDef {
  return {
    id: `coercion.parity.${name}`,
    suite: 'coercion',
    level: 'SHOULD',
    description: `sync and async handlers returning the same ${name} value give identical responses`,
    async run({ client }) {
      const c = new Checker()
      const [s, a] = await Promise.all([client.request(`/coerce/sync/${name}`), client.request(`/coerce/async/${name}`)])
      const headersOf = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => !VOLATILE.has(k)).sort())
      // Shown capped (a header value is the target's text); compared whole, below.
      const shown = (h: Record<string, string>) => Object.fromEntries(Object.entries(headersOf(h)).map(([k, v]) => [k, capText(v, EXCERPT)]))
      const sync = { status: s.status, headers: shown(s.headers), body: excerpt(s.body) }
      const async_ = { status: a.status, headers: shown(a.headers), body: excerpt(a.body) }
      // Two 404s are identical, and prove nothing: a missing endpoint is not parity.
      const missing = [s.status === 404 && `GET /coerce/sync/${name}`, a.status === 404 && `GET /coerce/async/${name}`].filter((x) => x !== false)
      if (missing.length > 0) {
        c.should(false, `${missing.join(' and ')} answered 404: the endpoint is missing`, { status: COERCION_ROWS[name]?.want.status }, s.status === 404 ? sync : async_)
        return c.outcome()
      }
      const diffs = compare(a, { status: s.status, headers: headersOf(s.headers), bytes: s.body })
      for (const k of Object.keys(async_.headers)) if (!(k in sync.headers)) diffs.push(`header ${k} only in the async response`)
      c.should(diffs.length === 0, `GET /coerce/async/${name} differs from GET /coerce/sync/${name}: ${diffs.join('; ')}`, sync, async_)
      return c.outcome()
    },
  }
}

export const coercionCases: CaseDef[] = [
  ...(['sync', 'async'] as const).flatMap((mode) => Object.entries(COERCION_ROWS).map(([name, row]) => rowCase(mode, name, row))),
  ...Object.keys(COERCION_ROWS).map(parityCase),
]
