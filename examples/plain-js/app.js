// app.js — the app module: it only defines the app. Every worker of the pool imports it to get the
// handlers, so it must not start anything; main.js does that.
import { threadId } from 'node:worker_threads'
import { defineApp, defineController, get, Int, path, query, sleepSync } from 'unblocked'

export class Hello {
  // A plain (sync) handler: runs in a worker of the pool, so it may block.
  work(ms) {
    sleepSync(ms) // e.g. a synchronous database driver, or CPU work
    return { slept: ms, thread: threadId }
  }

  // An async handler: awaited on the event loop (thread 0).
  async hello(name) {
    return { hello: name, thread: threadId }
  }
}

defineController(Hello, {
  routes: {
    work: get('/work', query('ms', Int)),
    hello: get('/hello/{name}', path('name')),
  },
})

export default defineApp({ module: import.meta.url, controllers: [Hello] })
