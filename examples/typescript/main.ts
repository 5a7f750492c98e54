// main.ts — the entry file: starts the server. Build and run it with `npx tsc && node dist/main.js`,
// or run it unbuilt with `node --import tsx main.ts`.
import { createApp } from 'unblocked'
import app from './app.js'

const server = await createApp(app, { pool: { maxThreads: 4 } }) // a small pool for an example
const { port } = await server.listen(Number(process.env.PORT ?? 8000))
console.log(`listening on http://127.0.0.1:${port}`)

// Ctrl-C or a stop signal: stop accepting, let requests in flight finish, close the worker pool.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err)
        process.exit(1)
      },
    )
  })
}
