/** Test helpers: start an app on an ephemeral port and talk to it. */
import type { AppDefinition } from '../impl/index.ts'
import { createApp, silentLogger, type App, type AppOptions, type Logger } from '../impl/index.ts'

export interface Started {
  app: App
  url: string
  logs: { level: string; obj: object; msg: string }[]
  close(): Promise<void>
}

export async function start(def: AppDefinition, options: AppOptions = {}): Promise<Started> {
  const logs: Started['logs'] = []
  const logger: Logger = {
    info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
  }
  const app = await createApp(def, { logger: options.logger ?? logger, ...options })
  const addr = await app.listen(0)
  return { app, url: `http://127.0.0.1:${addr.port}`, logs, close: () => app.close() }
}

export interface Reply {
  status: number
  headers: Headers
  bytes: Buffer
  text: string
  json(): any // eslint-disable-line @typescript-eslint/no-explicit-any -- test-only convenience
}

export async function request(url: string, init?: RequestInit): Promise<Reply> {
  const res = await fetch(url, init)
  const bytes = Buffer.from(await res.arrayBuffer())
  const text = bytes.toString('utf8')
  return { status: res.status, headers: res.headers, bytes, text, json: () => JSON.parse(text) }
}

/** Run `total` requests with at most `concurrency` in flight. */
export async function hammer<T>(total: number, concurrency: number, one: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(total)
  let next = 0
  const lanes = Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++
      out[i] = await one(i)
    }
  })
  await Promise.all(lanes)
  return out
}

export { silentLogger }
