/**
 * Comparing a reply with what the contract expects, and turning the comparison into an outcome
 * with expected-vs-actual detail.
 */
import { isDeepStrictEqual } from 'node:util'
import type { Reply } from './client.ts'
import { capText, headOf, moreMarker, ONE_LINE_MAX, oneLine } from './one-line.ts'
import type { Observed, Outcome } from './types.ts'

/** Characters of a body or a header value kept in expected/actual (a cut is marked `… 11,982 bytes more`). */
export const EXCERPT = 300

/** A readable excerpt of at most `max` characters: text when the bytes are printable UTF-8, else hex. */
export function excerpt(body: Buffer, max = EXCERPT): string {
  // Decode only what can be shown (and a little more: a multi-byte character cut at the end).
  const head = body.subarray(0, 4 * max + 4)
  const text = head.toString('utf8')
  const cutHere = head.length < body.length
  // A character cut by `subarray` decodes as U+FFFD at the very end: that one is not the body's.
  const checked = cutHere ? text.slice(0, -1) : text
  const printable = !checked.includes('\uFFFD') && !/[\u0000-\u0008\u000E-\u001F]/.test(checked)
  if (printable) {
    const kept = headOf(checked, max)
    return kept.length === checked.length && !cutHere ? kept : `${kept}${moreMarker(body.length - Buffer.byteLength(kept, 'utf8'))}`
  }
  const shown = Math.floor(max / 3)
  const hex = body.subarray(0, shown).toString('hex').replace(/(..)/g, '$1 ').trim()
  return `<${body.length} bytes: ${hex}${body.length > shown ? ' …' : ''}>`
}

export function observe(reply: Reply, headerNames: readonly string[] = []): Observed {
  const headers: Record<string, string> = {}
  for (const name of ['content-type', ...headerNames]) {
    const v = reply.headers[name]
    if (v !== undefined) headers[name] = capText(v, EXCERPT)
  }
  return { status: reply.status, headers, body: excerpt(reply.body) }
}

/** A body excerpt for a one-line reason: the first ONE_LINE_MAX characters on one line, the cut marked with the body's bytes left out. */
export function quoteBody(body: Buffer): string {
  return oneLine(excerpt(body, ONE_LINE_MAX), Infinity)
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
    if (reply.headers[name] !== value) problems.push(`header ${name}: ${oneLine(reply.headers[name] ?? '(absent)')}, expected ${oneLine(value)}`)
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
    problems.push(`body ${quoteBody(reply.body)}, expected ${quoteBody(want.bytes)}`)
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
