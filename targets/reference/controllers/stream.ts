/**
 * `/stream/{sync,async}`: a `StreamResponse` over a generator. Declared without decorators
 * (`defineController`): a sync handler streams from its worker, an async one from the loop.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { defineController, get, query, sleepSync, StreamResponse } from '../../../impl/index.ts'
import { Millis } from '../schemas.ts'

const TEXT = { 'content-type': 'text/plain; charset=utf-8' }
const Chunks = Millis

function* lines(chunks: number, ms: number): Generator<string> {
  for (let i = 0; i < chunks; i++) {
    sleepSync(ms)
    yield `${i}\n`
  }
}

async function* linesAsync(chunks: number, ms: number): AsyncGenerator<string> {
  for (let i = 0; i < chunks; i++) {
    await sleep(ms)
    yield `${i}\n`
  }
}

export class StreamController {
  /** The generator blocks between chunks; it runs in this handler's worker, each chunk sent as it comes. */
  sync(chunks: number, ms: number) { return new StreamResponse(lines(chunks, ms), { headers: TEXT }) }

  async async(chunks: number, ms: number) { return new StreamResponse(linesAsync(chunks, ms), { headers: TEXT }) }
}

defineController(StreamController, {
  prefix: '/stream',
  routes: {
    sync: get('/sync', query('chunks', Chunks), query('ms', Millis)),
    async: get('/async', query('chunks', Chunks), query('ms', Millis)),
  },
})
