import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { drain } from './drain.ts'

/** No process has this group: the CPU half of the check reads nothing and counts as idle. */
const NO_GROUP = 2 ** 22 + 7

describe('drain', () => {
  it('waits while /ping is slow (a loop with work queued), then returns quiet', async () => {
    const server = createServer((_req, res) => res.end('pong'))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    // The backlog: the loop blocked for 600 ms, in slices, as queued sync handlers would hold it.
    const until = Date.now() + 600
    const block = (): void => {
      const end = Date.now() + 50
      while (Date.now() < end);
      if (Date.now() < until) setImmediate(block)
    }
    try {
      setImmediate(block)
      const d = await drain(url, NO_GROUP, { maxMs: 10_000 })
      expect(d.quiet).toBe(true)
      expect(d.ms).toBeGreaterThan(400)
    } finally {
      server.close()
    }
  })

  it('gives up after maxMs when /ping never answers promptly, and says so', async () => {
    const server = createServer((_req, res) => void setTimeout(() => res.end('pong'), 50))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    try {
      const d = await drain(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, NO_GROUP, { maxMs: 500 })
      expect(d.quiet).toBe(false)
      expect(d.ms).toBeGreaterThanOrEqual(500)
      expect(d.ms).toBeLessThan(5_000)
    } finally {
      server.close()
    }
  })

  it('waits while the target\'s processes still burn CPU, though /ping is prompt', async () => {
    // A process (its own group) whose loop answers at once while a worker thread spins for 800 ms.
    const script = `
      const { Worker } = require('node:worker_threads')
      const http = require('node:http')
      new Worker('const end = Date.now() + 800; while (Date.now() < end);', { eval: true })
      const s = http.createServer((q, r) => r.end('pong')).listen(0, '127.0.0.1', () => console.log(s.address().port))`
    const child = spawn(process.execPath, ['-e', script], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] })
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer]
      const t0 = performance.now()
      const d = await drain(`http://127.0.0.1:${chunk.toString().trim()}`, child.pid as number, { maxMs: 10_000 })
      expect(d.quiet).toBe(true)
      // It started while the worker spun: quiet only once the spinning was (nearly) over.
      expect(performance.now() - t0).toBeGreaterThan(400)
    } finally {
      child.kill('SIGKILL')
    }
  })
})
