/** The README's example app compiles (npm test runs tsc) and behaves as the README says. */
import { afterAll, beforeAll, expect, it } from 'vitest'
import def from './fixtures/readme-app.ts'
import { request, start, type Started } from './http.ts'

let s: Started
beforeAll(async () => {
  s = await start(def, { pool: { minThreads: 1 } })
})
afterAll(() => s?.close())

it('serves the README example', async () => {
  expect((await request(`${s.url}/items/5`)).json()).toEqual({ id: 5 })
  const created = await request(`${s.url}/items`, { method: 'POST', body: JSON.stringify({ name: 'bolt', qty: 2 }) })
  expect(created.status).toBe(201)
  expect(created.json()).toEqual({ name: 'bolt', qty: 2, by: 'ada', left: -1 })
  expect((await request(`${s.url}/items/search?q=x`, { headers: { 'x-token': 't' } })).json()).toEqual(['x', 't'])
  const v = await request(`${s.url}/items/version`)
  expect(v.text).toBe('1.0')
})
