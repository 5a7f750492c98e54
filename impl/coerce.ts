/**
 * The return-value coercion table, one for sync and async handlers alike (Lauren's order).
 *
 * | returned value                                  | response                                   |
 * |-------------------------------------------------|--------------------------------------------|
 * | `[body, status]` / `[body, status, headers]`    | `body` coerced by the rows below, `status`  |
 * | framework `Response`                            | passed through unchanged                   |
 * | `null` / `undefined`                            | 204, no body                               |
 * | `Uint8Array` / `Buffer` / `ArrayBuffer`         | 200 `application/octet-stream`             |
 * | `string`                                        | 200 `text/plain; charset=utf-8`            |
 * | model / class instance / object / array / number / boolean | 200 `application/json`          |
 *
 * A status tuple is an array of 2 or 3 elements whose second element is an integer HTTP status
 * (100–599), whose first element is not a number or boolean, and whose optional third element is
 * an object of header strings. Anything else that is an array is a JSON list.
 */
import { UnblockedError } from './errors.ts'
import { Response, type WireResponse } from './response.ts'

export const TEXT = 'text/plain; charset=utf-8'
export const JSON_TYPE = 'application/json; charset=utf-8'
export const OCTETS = 'application/octet-stream'

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({})

type StatusTuple = readonly [unknown, number] | readonly [unknown, number, Record<string, string>]

function isHeaderRecord(v: unknown): v is Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  for (const x of Object.values(v)) if (typeof x !== 'string') return false
  return true
}

export function isStatusTuple(v: unknown): v is StatusTuple {
  if (!Array.isArray(v) || (v.length !== 2 && v.length !== 3)) return false
  const [body, status, headers] = v as unknown[]
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return false
  if (typeof body === 'number' || typeof body === 'boolean') return false
  return v.length === 2 || isHeaderRecord(headers)
}

function unserializable(routeId: string, why: string, cause?: unknown): UnblockedError {
  return new UnblockedError('UNB_ERR_RESPONSE_UNSERIALIZABLE', [routeId, why], cause === undefined ? undefined : { cause })
}

function jsonText(value: unknown, routeId: string): string {
  const t = typeof value
  if (t === 'function' || t === 'symbol' || t === 'bigint') throw unserializable(routeId, `a ${t} is not JSON`)
  if (value instanceof Map || value instanceof Set) {
    throw unserializable(routeId, `a ${value.constructor.name} would serialize as {}; return an object or array`)
  }
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (err) {
    throw unserializable(routeId, (err as Error).message, err)
  }
  if (text === undefined) throw unserializable(routeId, 'JSON.stringify produced nothing')
  return text
}

/** Coerce a body value (everything but the tuple row) with the given status and extra headers. */
function coerceBody(value: unknown, status: number, extra: Readonly<Record<string, string>>, routeId: string): WireResponse {
  if (value instanceof Response) return value.toWire()
  if (value === null || value === undefined) {
    return { status: status === 200 ? 204 : status, headers: { ...extra }, body: null }
  }
  let type: string
  let body: Uint8Array | string
  if (value instanceof Uint8Array) {
    type = OCTETS
    body = value
  } else if (value instanceof ArrayBuffer) {
    type = OCTETS
    body = new Uint8Array(value)
  } else if (typeof value === 'string') {
    type = TEXT
    body = value
  } else {
    type = JSON_TYPE
    body = jsonText(value, routeId)
  }
  return { status, headers: extra === NO_HEADERS ? { 'content-type': type } : { 'content-type': type, ...lower(extra) }, body }
}

function lower(h: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v
  return out
}

/**
 * Turn whatever a handler returned into a response. Throws `UNB_ERR_RESPONSE_UNSERIALIZABLE`
 * (a 500) when the value has no faithful JSON form.
 */
export function coerce(value: unknown, routeId = 'handler'): WireResponse {
  if (isStatusTuple(value)) {
    const [body, status, headers] = value
    return coerceBody(body, status, headers ?? NO_HEADERS, routeId)
  }
  return coerceBody(value, 200, NO_HEADERS, routeId)
}
