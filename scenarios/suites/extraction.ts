/** `extraction.*`: path, query, JSON body, header and dependency extraction, valid and invalid. */
import { Checker, observe } from '../check.ts'
import type { Reply } from '../client.ts'
import type { CaseDef, CaseContext, Observed } from '../types.ts'

interface Spec {
  name: string
  description: string
  request: { path: string; method?: string; headers?: Record<string, string>; body?: string }
  /** Happy path: the exact JSON echo. */
  echo?: unknown
  /** Invalid input: MUST 4xx (never 5xx); SHOULD one of these statuses. */
  invalid?: readonly number[]
}

const JSON_HEADERS = { 'content-type': 'application/json' }

const SPECS: readonly Spec[] = [
  { name: 'path', description: 'an integer path parameter is parsed: /path/42 → {"id":42}', request: { path: '/path/42' }, echo: { id: 42 } },
  { name: 'path-invalid', description: 'a non-integer path parameter (/path/abc) → 4xx, ideally 422', request: { path: '/path/abc' }, invalid: [422] },
  { name: 'query', description: 'query parameters q (string) and n (integer) → {"q":"hello","n":5}', request: { path: '/query?q=hello&n=5' }, echo: { q: 'hello', n: 5 } },
  { name: 'query-missing', description: 'a missing required query parameter (n) → 4xx, ideally 422', request: { path: '/query?q=hello' }, invalid: [422] },
  {
    name: 'json',
    description: 'a JSON body {"name":string,"qty":integer} is validated and echoed',
    request: { path: '/json', method: 'POST', headers: JSON_HEADERS, body: '{"name":"widget","qty":3}' },
    echo: { name: 'widget', qty: 3 },
  },
  {
    name: 'json-invalid-type',
    description: 'a JSON body with a wrong field type (qty: "three") → 4xx, ideally 422',
    request: { path: '/json', method: 'POST', headers: JSON_HEADERS, body: '{"name":"widget","qty":"three"}' },
    invalid: [422],
  },
  {
    name: 'json-malformed',
    description: 'a malformed JSON body → 4xx, ideally 400 or 422',
    request: { path: '/json', method: 'POST', headers: JSON_HEADERS, body: '{"name": "widget", "qty": ' },
    invalid: [400, 422],
  },
  { name: 'header', description: 'header x-token: abc → {"token":"abc"}', request: { path: '/header', headers: { 'x-token': 'abc' } }, echo: { token: 'abc' } },
  { name: 'header-missing', description: 'a missing required header (x-token) → 4xx, ideally 422', request: { path: '/header' }, invalid: [422] },
  { name: 'depends', description: 'a dependency provides "resolved" → {"dep":"resolved"}', request: { path: '/depends' }, echo: { dep: 'resolved' } },
]

function fire(ctx: CaseContext, mode: string, spec: Spec): Promise<Reply> {
  const { path, ...rest } = spec.request
  return ctx.client.request(`/extract/${mode}${path}`, rest)
}

function makeCase(mode: 'sync' | 'async', spec: Spec): CaseDef {
  return {
    id: `extraction.${mode}.${spec.name}`,
    suite: 'extraction',
    level: 'MUST',
    description: `${mode}: ${spec.description}`,
    async run(ctx) {
      const c = new Checker()
      const reply = await fire(ctx, mode, spec)
      if (spec.echo !== undefined) {
        c.mustMatch(reply, { status: 200, type: 'application/json', json: spec.echo })
      } else {
        const want = spec.invalid ?? []
        const actual = observe(reply)
        const expected: Observed = { status: want[0] ?? 422, body: '{"error": … naming the field}' }
        c.must(reply.status >= 400 && reply.status < 500, `invalid input answered ${reply.status}; it must be a 4xx, never ${reply.status >= 500 ? 'a 5xx' : 'a success'}`, expected, actual)
        c.should(want.includes(reply.status), `invalid input answered ${reply.status}; expected ${want.join(' or ')}`, expected, actual)
      }
      return c.outcome()
    },
  }
}

export const extractionCases: CaseDef[] = (['sync', 'async'] as const).flatMap((mode) => SPECS.map((s) => makeCase(mode, s)))
