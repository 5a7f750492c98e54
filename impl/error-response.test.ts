import { describe, expect, it } from 'vitest'
import { outcomeOfError } from './error-response.ts'
import { HttpError, UnblockedError, validationError } from './errors.ts'

describe('outcomeOfError', () => {
  it('a 4xx HttpError answers as it is, and is not a failure to log', () => {
    const e = validationError([{ location: 'query', field: 'n', problem: 'required' }])
    expect(outcomeOfError(e, 'C.m')).toEqual({ response: e.toResponse() })
  })

  it('a coded 5xx answers as it is and is logged with its stack', () => {
    const e = new HttpError('UNB_ERR_POOL_SATURATED', [3], { headers: { 'retry-after': '1' } })
    const o = outcomeOfError(e, 'C.m')
    expect(o.response).toEqual(e.toResponse())
    expect(o.failure).toMatchObject({ code: 'UNB_ERR_POOL_SATURATED', route: 'C.m', message: e.message, stack: e.stack })
  })

  it("anything else is the handler's failure: a generic 500 for the client, the message and stack for the log", () => {
    const cause = new Error('secret detail')
    const o = outcomeOfError(cause, 'C.m')
    expect(o.response.status).toBe(500)
    expect(JSON.parse(o.response.body as string)).toEqual({ error: { code: 'UNB_ERR_HANDLER_FAILED', message: 'the handler for C.m failed' } })
    expect(o.response.body).not.toContain('secret')
    expect(o.failure).toEqual({ code: 'UNB_ERR_HANDLER_FAILED', route: 'C.m', message: 'secret detail', stack: cause.stack })
    expect(outcomeOfError('a string', 'C.m').failure).toEqual({ code: 'UNB_ERR_HANDLER_FAILED', route: 'C.m', message: 'a string' })
  })

  it('a coded error without a status (a programming error) is wrapped like any other throw', () => {
    const o = outcomeOfError(new UnblockedError('UNB_ERR_DI_CYCLE', ['A → B → A']), 'C.m')
    expect(o.response.status).toBe(500)
    expect(o.failure).toMatchObject({ code: 'UNB_ERR_HANDLER_FAILED', message: 'dependency cycle: A → B → A' })
  })
})
