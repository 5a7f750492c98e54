import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { JSON_TYPE } from './coerce.ts'
import { ERRORS, HttpError, UnblockedError, validationError } from './errors.ts'

describe('error catalogue', () => {
  it('every code follows UNB_ERR_<AREA>_<PROBLEM> and statuses are HTTP error statuses', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^UNB_ERR_[A-Z]+_[A-Z_]+$/)
      if ('status' in spec) expect(spec.status).toBeGreaterThanOrEqual(400)
    }
  })

  it('docs/errors.md documents exactly the codes in the catalogue', () => {
    const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8')
    const documented = new Set([...doc.matchAll(/`(UNB_ERR_[A-Z_]+)`/g)].map((m) => m[1]))
    expect([...documented].sort()).toEqual(Object.keys(ERRORS).sort())
  })

  it('formats the message template and keeps the cause', () => {
    const cause = new Error('root')
    const e = new UnblockedError('UNB_ERR_ROUTE_NOT_FOUND', ['GET', '/x'], { cause })
    expect(e.message).toBe('no route matches GET /x')
    expect(e.status).toBe(404)
    expect(e.cause).toBe(cause)
  })

  it('HttpError bodies name the code and issues and never carry a stack', () => {
    const e = validationError([{ location: 'query', field: 'n', problem: 'required' }])
    const body = e.toBody()
    expect(e.status).toBe(422)
    expect(body).toEqual({
      error: { code: 'UNB_ERR_REQUEST_VALIDATION', message: 'request validation failed: query n: required', issues: [{ location: 'query', field: 'n', problem: 'required' }] },
    })
    expect(JSON.stringify(body)).not.toContain('at ')
    expect(new HttpError('UNB_ERR_POOL_SATURATED', [3], { headers: { 'retry-after': '1' } }).headers).toEqual({ 'retry-after': '1' })
  })

  it('an HttpError produces its response: status, its headers, JSON content type, the body', () => {
    const e = new HttpError('UNB_ERR_ROUTE_METHOD_NOT_ALLOWED', ['PUT', '/x'], { headers: { allow: 'GET' } })
    expect(e.toResponse()).toEqual({
      status: 405,
      headers: { allow: 'GET', 'content-type': JSON_TYPE },
      body: '{"error":{"code":"UNB_ERR_ROUTE_METHOD_NOT_ALLOWED","message":"method PUT is not allowed on /x"}}',
    })
    const v = validationError([{ location: 'body', field: 'qty', problem: 'expected an integer' }])
    expect(JSON.parse(v.toResponse().body as string)).toEqual(v.toBody())
    expect(v.toResponse().status).toBe(422)
  })

  it('an UnblockedError produces a JSON response too: its status, or 500 without one', () => {
    expect(new UnblockedError('UNB_ERR_POOL_CLOSED').toResponse()).toEqual({
      status: 503,
      headers: { 'content-type': JSON_TYPE },
      body: '{"error":{"code":"UNB_ERR_POOL_CLOSED","message":"the server is shutting down"}}',
    })
    expect(new UnblockedError('UNB_ERR_DI_CYCLE', ['A → A']).toResponse().status).toBe(500)
  })
})
