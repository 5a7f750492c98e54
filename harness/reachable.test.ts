import { createServer, type Server } from 'node:net'
import getPort from 'get-port'
import { afterEach, describe, expect, it } from 'vitest'
import { nothingAnswers } from './reachable.ts'

let server: Server | undefined
afterEach(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())))
  server = undefined
})

describe('nothingAnswers', () => {
  it('is undefined when something accepts the connection (whatever it would answer)', async () => {
    server = createServer((socket) => socket.destroy())
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    expect(await nothingAnswers(`http://127.0.0.1:${port}/some/base`, 5_000)).toBeUndefined()
  })

  it('says "connection refused" for a port nothing listens on', async () => {
    expect(await nothingAnswers(`http://127.0.0.1:${await getPort({ host: '127.0.0.1' })}`, 5_000)).toBe('connection refused')
  })

  it('an aborted signal ends the wait with "interrupted"', async () => {
    const abort = new AbortController()
    abort.abort()
    expect(await nothingAnswers(`http://127.0.0.1:${await getPort({ host: '127.0.0.1' })}`, 5_000, abort.signal)).toBe('interrupted')
  })
})
