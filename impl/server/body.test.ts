import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import def from '../../test/fixtures/readme-app.ts'
import { request, start, type Started } from '../../test/http.ts'

/** POST with chunked transfer encoding (no Content-Length), so only the streamed size can trip the limit. */
function postChunked(url: string, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    for (const c of chunks) req.write(c)
    req.end()
  })
}

describe('body limit (configurable)', () => {
  let s: Started
  beforeAll(async () => {
    s = await start(def, { bodyLimit: 32, pool: { minThreads: 1 } })
  })
  afterAll(() => s.close())

  it('a declared Content-Length over the limit → 413 with the limit in the message', async () => {
    const r = await request(`${s.url}/items`, { method: 'POST', body: JSON.stringify({ name: 'x'.repeat(64), qty: 1 }) })
    expect(r.status).toBe(413)
    expect(r.json().error).toEqual({ code: 'UNB_ERR_REQUEST_BODY_TOO_LARGE', message: 'request body exceeds the limit of 32 bytes' })
  })

  it('a streamed body that crosses the limit → 413', async () => {
    const r = await postChunked(`${s.url}/items`, ['{"name":"', 'x'.repeat(20), 'y'.repeat(20), '","qty":1}'])
    expect(r.status).toBe(413)
  })

  it('a streamed body within the limit is read whole', async () => {
    const r = await postChunked(`${s.url}/items`, ['{"name":', '"b","qty":2}'])
    expect(r.status).toBe(201)
    expect(JSON.parse(r.body)).toMatchObject({ name: 'b', qty: 2 })
  })

  it('the server keeps serving after rejecting bodies', async () => {
    expect((await request(`${s.url}/items/1`)).status).toBe(200)
  })
})

it('rejects a negative bodyLimit with an exact message', async () => {
  await expect(start(def, { bodyLimit: -1 })).rejects.toThrow('options.bodyLimit must be a non-negative integer, got -1')
})
