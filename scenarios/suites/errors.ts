/** `errors.*`: handler exceptions, errors raised in dependencies (v2), unknown paths and wrong methods. */
import { Checker, observe, statusAndBody } from '../check.ts'
import { oneLine } from '../one-line.ts'
import type { CaseDef, Outcome } from '../types.ts'

/** Traces from Node, Python, Go, Java and Rust. */
const STACK_TRACE = /(\n\s+at .+[:(]\d+|Traceback \(most recent call last\)|File ".+", line \d+|goroutine \d+ \[|\.java:\d+\)|panicked at)/

/** A stack-trace line in `body`, also one inside a JSON string (its line breaks escaped as `\n`). */
function traceIn(body: string): string | undefined {
  return (STACK_TRACE.exec(body) ?? STACK_TRACE.exec(body.replace(/\\n/g, '\n')))?.[0]
}

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

/** The message of the unhandled dependency error (contract v2, item 6): the client must not see it. */
export const DEPENDENCY_MESSAGE = 'dependency exploded'

function dependencyCase(mode: 'sync' | 'async'): CaseDef {
  const depends = `/error/${mode}/depends`
  const dependsHttp = `/error/${mode}/depends-http`
  return {
    id: `errors.${mode}.dependency`,
    suite: 'errors',
    level: 'MUST',
    optional: true,
    description: `GET ${depends} (its dependency throws) → 5xx, never 4xx, and GET ${dependsHttp} (it raises an HTTP 503) → 503 (MUST); the server keeps serving (MUST); the 5xx body has no stack trace and not the error's message (SHOULD)`,
    async run({ client }): Promise<Outcome> {
      const reply = await client.request(depends)
      const http = await client.request(dependsHttp)
      // One endpoint missing is a partial implementation, judged; both missing is none.
      if (reply.status === 404 && http.status === 404) return { kind: 'unimplemented', reason: `GET ${depends} and GET ${dependsHttp} answered 404: the endpoints are missing`, actual: observe(reply) }
      const c = new Checker()
      const actual = observe(reply)
      c.must(reply.status >= 500 && reply.status <= 599, `GET ${depends} answered ${statusAndBody(reply)}, expected 5xx (never 4xx)`, { status: 500 }, actual)
      c.must(http.status === 503, `GET ${dependsHttp} answered ${statusAndBody(http)}, expected 503`, { status: 503 }, observe(http))
      const health = await client.request('/health')
      c.must(health.status === 200, `after GET ${depends}, GET /health answered ${statusAndBody(health)}, expected 200`, { status: 200 }, observe(health))
      const body = reply.body.toString('utf8')
      const trace = traceIn(body)
      c.should(trace === undefined, `the ${reply.status} body of GET ${depends} contains a stack-trace line: ${JSON.stringify(oneLine(trace ?? '', 120))}`, { body: '(no stack trace)' }, actual)
      c.should(!body.includes(DEPENDENCY_MESSAGE), `the ${reply.status} body of GET ${depends} contains the error's message "${DEPENDENCY_MESSAGE}"`, { body: `(not "${DEPENDENCY_MESSAGE}")` }, actual)
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
  dependencyCase('sync'),
  dependencyCase('async'),
]
