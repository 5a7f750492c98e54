// app.ts — the app module: it only defines the app. Every worker of the pool imports it to get the
// handlers, so it must not start anything; main.ts does that.
import { threadId } from 'node:worker_threads'
import { controller, defineApp, get, Int, path, query, sleepSync } from 'unblocked'

@controller()
export class Hello {
  // A plain (sync) handler: runs in a worker of the pool, so it may block.
  @get('/work', query('ms', Int))
  work(ms: number) {
    sleepSync(ms) // e.g. a synchronous database driver, or CPU work
    return { slept: ms, thread: threadId }
  }

  // An async handler: awaited on the event loop (thread 0).
  @get('/hello/{name}', path('name'))
  async hello(name: string) {
    return { hello: name, thread: threadId }
  }
}

export default defineApp({ module: import.meta.url, controllers: [Hello] })
