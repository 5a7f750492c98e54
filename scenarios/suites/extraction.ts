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
  /** Invalid input: MUST 4xx (never 5xx, never 404); SHOULD one of these statuses. */
  invalid?: readonly number[]
  /** For invalid input: the spec of the valid request to the same endpoint, sent when the invalid one answers 404. */
  valid?: string
}

const JSON_HEADERS = { 'content-type': 'application/json' }

const SPECS: readonly Spec[] = [
  { name: 'path', description: 'an integer path parameter is parsed: /path/42 → {"id":42}', request: { path: '/path/42' }, echo: { id: 42 } },
  { name: 'path-invalid', description: 'a non-integer path parameter (/path/abc) → 4xx other than 404, ideally 422', request: { path: '/path/abc' }, valid: 'path', invalid: [422] },
  { name: 'query', description: 'query parameters q (string) and n (integer) → {"q":"hello","n":5}', request: { path: '/query?q=hello&n=5' }, echo: { q: 'hello', n: 5 } },
  { name: 'query-missing', description: 'a missing required query parameter (n) → 4xx other than 404, ideally 422', request: { path: '/query?q=hello' }, valid: 'query', invalid: [422] },
  {
    name: 'json',
    description: 'a JSON body {"name":string,"qty":integer} is validated and echoed',
    request: { path: '/json', method: 'POST', headers: JSON_HEADERS, body: '{"name":"widget","qty":3}' },
    echo: { name: 'widget', qty: 3 },
  },
  {
    name: 'json-invalid-type',
    description: 'a JSON body with a wrong field type (qty: "three") → 4xx other than 404, ideally 422',
    request: { path: '/json', method: 'POST', headers: JSON_HEADERS, body: '{"name":"widget","qty":"three"}' },
    valid: 'json',
    invalid: [422],
  },
  {
    name: 'json-malformed',
    description: 'a malformed JSON body → 4xx other than 404, ideally 400 or 422',
    request: { path: '/json', method: 'POST', headers: JSON_HEADERS, body: '{"name": "widget", "qty": ' },
    valid: 'json',
    invalid: [400, 422],
  },
  { name: 'header', description: 'header x-token: abc → {"token":"abc"}', request: { path: '/header', headers: { 'x-token': 'abc' } }, echo: { token: 'abc' } },
  { name: 'header-missing', description: 'a missing required header (x-token) → 4xx other than 404, ideally 422', request: { path: '/header' }, valid: 'header', invalid: [422] },
  { name: 'depends', description: 'a dependency provides "resolved" → {"dep":"resolved"}', request: { path: '/depends' }, echo: { dep: 'resolved' } },
]

function fire(ctx: CaseContext, mode: string, spec: Spec): Promise<Reply> {
  const { path, ...rest } = spec.request
  return ctx.client.request(`/extract/${mode}${path}`, rest)
}

function requestLine(mode: string, spec: Spec): string {
  return `${spec.request.method ?? 'GET'} /extract/${mode}${spec.request.path}`
}

/**
 * Why a 404 to invalid input fails: a 404 says "no such route", which a missing endpoint answers
 * too, so it can never show that the input was checked. The valid request to the same endpoint
 * tells the two apart in the reason.
 */
async function notFoundReason(ctx: CaseContext, mode: string, spec: Spec): Promise<string> {
  const line = requestLine(mode, spec)
  const valid = SPECS.find((s) => s.name === spec.valid)
  if (valid === undefined) return `${line} answered 404: the endpoint is missing`
  const control = await fire(ctx, mode, valid)
  return control.status === 404
    ? `${line} answered 404, and so did the valid ${requestLine(mode, valid)}: the endpoint is missing`
    : `${line} answered 404 while the valid ${requestLine(mode, valid)} answered ${control.status}: a 404 names a missing route, not invalid input`
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
        const line = requestLine(mode, spec)
        if (reply.status === 404) c.must(false, await notFoundReason(ctx, mode, spec), expected, actual)
        c.must(reply.status >= 400 && reply.status < 500, `${line} (invalid input) answered ${reply.status}, expected a 4xx other than 404`, expected, actual)
        c.should(want.includes(reply.status), `${line} (invalid input) answered ${reply.status}, expected ${want.join(' or ')}`, expected, actual)
      }
      return c.outcome()
    },
  }
}

export const extractionCases: CaseDef[] = (['sync', 'async'] as const).flatMap((mode) => SPECS.map((s) => makeCase(mode, s)))
