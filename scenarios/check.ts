/**
 * Comparing a reply with what the contract expects, and turning the comparison into an outcome
 * with expected-vs-actual detail.
 */
import { isDeepStrictEqual } from 'node:util'
import type { Reply } from './client.ts'
import { oneLine } from './one-line.ts'
import type { Observed, Outcome } from './types.ts'

const EXCERPT = 300

/** A readable excerpt: text when the bytes are printable UTF-8, else hex. */
export function excerpt(body: Buffer): string {
  const text = body.toString('utf8')
  const printable = !text.includes('\uFFFD') && !/[\u0000-\u0008\u000E-\u001F]/.test(text)
  if (printable) return text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text
  const hex = body.subarray(0, EXCERPT / 3).toString('hex').replace(/(..)/g, '$1 ').trim()
  return `<${body.length} bytes: ${hex}${body.length > EXCERPT / 3 ? ' …' : ''}>`
}

export function observe(reply: Reply, headerNames: readonly string[] = []): Observed {
  const headers: Record<string, string> = {}
  for (const name of ['content-type', ...headerNames]) {
    const v = reply.headers[name]
    if (v !== undefined) headers[name] = v
  }
  return { status: reply.status, headers, body: excerpt(reply.body) }
}

/** A body excerpt for a one-line reason (`excerpt`, then `oneLine`). */
export function quoteBody(body: Buffer): string {
  return oneLine(excerpt(body))
}

/** The status and a body excerpt of `reply`, for a reason: `404 "Cannot GET /x"`, `200 (no body)`. */
export function statusAndBody(reply: Reply): string {
  return `${reply.status} ${reply.body.length === 0 ? '(no body)' : JSON.stringify(quoteBody(reply.body))}`
}

/** `text/plain; charset=UTF-8` → `{ essence: 'text/plain', charset: 'utf-8' }`. */
export function mediaType(contentType: string | undefined): { essence: string; charset?: string } {
  if (contentType === undefined) return { essence: '' }
  const [essence = '', ...params] = contentType.split(';').map((p) => p.trim())
  const out: { essence: string; charset?: string } = { essence: essence.toLowerCase() }
  for (const p of params) {
    const [k, v] = p.split('=')
    if (k?.trim().toLowerCase() === 'charset' && v !== undefined) out.charset = v.trim().replace(/^"|"$/g, '').toLowerCase()
  }
  return out
}

export interface Expectation {
  status: number
  /** Media type essence (`application/json`); `null` means no body at all. */
  type?: string | null
  json?: unknown
  text?: string
  bytes?: Buffer
  /** Exact header values (names lower-case). */
  headers?: Record<string, string>
}

/** The problems with `reply` against `want`, each one short line; empty when it matches. */
export function compare(reply: Reply, want: Expectation): string[] {
  const problems: string[] = []
  if (reply.status !== want.status) problems.push(`status ${reply.status}, expected ${want.status}`)
  if (want.type === null) {
    if (reply.body.length > 0) problems.push(`a body of ${reply.body.length} bytes, expected none`)
  } else if (want.type !== undefined) {
    const mt = mediaType(reply.headers['content-type'])
    if (mt.essence !== want.type) problems.push(`content-type ${oneLine(reply.headers['content-type'] ?? '(none)')}, expected ${want.type}`)
    else if (mt.charset !== undefined && mt.charset !== 'utf-8' && mt.charset !== 'utf8') problems.push(`charset ${oneLine(mt.charset)}, expected utf-8`)
  }
  for (const [name, value] of Object.entries(want.headers ?? {})) {
    if (reply.headers[name] !== value) problems.push(`header ${name}: ${oneLine(reply.headers[name] ?? '(absent)')}, expected ${value}`)
  }
  if (want.json !== undefined) {
    let parsed: unknown
    try {
      parsed = JSON.parse(reply.body.toString('utf8'))
      if (!isDeepStrictEqual(parsed, want.json)) problems.push(`JSON body ${quoteBody(reply.body)}, expected ${JSON.stringify(want.json)}`)
    } catch {
      problems.push(`body is not JSON: ${quoteBody(reply.body)}`)
    }
  }
  if (want.text !== undefined && !reply.body.equals(Buffer.from(want.text, 'utf8'))) {
    problems.push(`body ${JSON.stringify(quoteBody(reply.body))}, expected exactly ${JSON.stringify(want.text)}`)
  }
  if (want.bytes !== undefined && !reply.body.equals(want.bytes)) {
    problems.push(`body ${quoteBody(reply.body)}, expected ${excerpt(want.bytes)}`)
  }
  return problems
}

export function expectedOf(want: Expectation): Observed {
  const o: Observed = { status: want.status }
  const headers: Record<string, string> = { ...(want.headers ?? {}) }
  if (want.type) headers['content-type'] = want.type
  if (Object.keys(headers).length > 0) o.headers = headers
  if (want.type === null) o.body = '(none)'
  else if (want.json !== undefined) o.body = JSON.stringify(want.json)
  else if (want.text !== undefined) o.body = want.text
  else if (want.bytes !== undefined) o.body = excerpt(want.bytes)
  return o
}

/**
 * Collects MUST and SHOULD checks for one case. The outcome is the first failed MUST check, else
 * the first failed SHOULD check, else a pass.
 */
export class Checker {
  #must: { reason: string; expected?: Observed; actual?: Observed } | undefined
  #should: { reason: string; expected?: Observed; actual?: Observed } | undefined
  readonly data: Record<string, unknown> = {}

  must(ok: boolean, reason: string, expected?: Observed, actual?: Observed): boolean {
    if (!ok && this.#must === undefined) this.#must = { reason, ...(expected && { expected }), ...(actual && { actual }) }
    return ok
  }

  should(ok: boolean, reason: string, expected?: Observed, actual?: Observed): boolean {
    if (!ok && this.#should === undefined) this.#should = { reason, ...(expected && { expected }), ...(actual && { actual }) }
    return ok
  }

  /** MUST: `reply` matches `want` in every respect. */
  mustMatch(reply: Reply, want: Expectation, headerNames: readonly string[] = []): boolean {
    const problems = compare(reply, want)
    return this.must(problems.length === 0, problems.join('; '), expectedOf(want), observe(reply, headerNames))
  }

  outcome(): Outcome {
    const data = Object.keys(this.data).length > 0 ? { data: this.data } : {}
    if (this.#must) return { kind: 'fail', level: 'MUST', ...this.#must, ...data }
    if (this.#should) return { kind: 'fail', level: 'SHOULD', ...this.#should, ...data }
    return { kind: 'pass', ...data }
  }
}
