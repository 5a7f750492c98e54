/** `errors.*`: handler exceptions, unknown paths and wrong methods. */
import { Checker, observe, statusAndBody } from '../check.ts'
import { oneLine } from '../one-line.ts'
import type { CaseDef } from '../types.ts'

/** Traces from Node, Python, Go, Java and Rust. */
const STACK_TRACE = /(\n\s+at .+[:(]\d+|Traceback \(most recent call last\)|File ".+", line \d+|goroutine \d+ \[|\.java:\d+\)|panicked at)/

function exceptionCase(mode: 'sync' | 'async'): CaseDef {
  return {
    id: `errors.${mode}.exception`,
    suite: 'errors',
    level: 'MUST',
    description: `${mode === 'async' ? 'an' : 'a'} ${mode} handler that throws → 500 (MUST), the server keeps serving (MUST), no stack trace in the body (SHOULD)`,
    async run({ client }) {
      const c = new Checker()
      const reply = await client.request(`/error/${mode}`)
      const actual = observe(reply)
      c.must(reply.status === 500, `GET /error/${mode} answered ${statusAndBody(reply)}, expected 500`, { status: 500 }, actual)
      const health = await client.request('/health')
      c.must(health.status === 200, `after GET /error/${mode}, GET /health answered ${statusAndBody(health)}, expected 200`, { status: 200 }, observe(health))
      const trace = STACK_TRACE.exec(reply.body.toString('utf8'))
      c.should(trace === null, `the 500 body contains a stack-trace line: ${JSON.stringify(oneLine(trace?.[0] ?? '', 120))}`, { status: 500, body: '(no stack trace)' }, actual)
      return c.outcome()
    },
  }
}

export const errorsCases: CaseDef[] = [
  exceptionCase('sync'),
  exceptionCase('async'),
  {
    id: 'errors.not-found',
    suite: 'errors',
    level: 'MUST',
    description: 'an unknown path → 404',
    async run({ client }) {
      const c = new Checker()
      const reply = await client.request('/unblocked-no-such-route/42')
      c.must(reply.status === 404, `GET /unblocked-no-such-route/42 answered ${reply.status}, expected 404`, { status: 404 }, observe(reply))
      return c.outcome()
    },
  },
  {
    id: 'errors.method-not-allowed',
    suite: 'errors',
    level: 'MUST',
    description: 'a known path with a wrong method (PUT /health) → 405 (MUST) with an Allow header listing GET (SHOULD)',
    async run({ client }) {
      const c = new Checker()
      const reply = await client.request('/health', { method: 'PUT', body: '' })
      const actual = observe(reply, ['allow'])
      c.must(reply.status === 405, `PUT /health answered ${reply.status}, expected 405`, { status: 405 }, actual)
      const allow = (reply.headers.allow ?? '').split(',').map((m) => m.trim().toUpperCase())
      c.should(allow.includes('GET'), `PUT /health answered with ${reply.headers.allow === undefined ? 'no Allow header' : `Allow: ${JSON.stringify(oneLine(reply.headers.allow))}`}, expected an Allow header listing GET`, { status: 405, headers: { allow: 'GET' } }, actual)
      return c.outcome()
    },
  },
]
