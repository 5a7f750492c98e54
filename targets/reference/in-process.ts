/**
 * The reference app driven without HTTP, for the micro-benchmarks (`InProcessDispatch` in
 * ../spec.ts): each call is what the server does for one request on that path — the same route
 * objects, container, offloader and pool — minus the socket.
 */
import { coerce, createApp, FAST_LANE_TASKS_PER_WORKER, json, RequestContext, runRoute, silentLogger, type RequestData } from '../../impl/index.ts'
import type { InProcessDispatch } from '../spec.ts'
import def from './app.ts'
import { values } from './controllers/coerce.ts'
import { Item } from './schemas.ts'

/** What a client sends with a JSON body (the `json()` extractor refuses others with 415). */
const JSON_HEADERS = { 'content-type': 'application/json' }

function request(route: { method: string; path: string }, body: Uint8Array | null = null): RequestData {
  return { method: route.method, path: route.path, params: {}, query: '', headers: {}, body }
}

/**
 * Compile the app and start its pool: one worker in the blocking lane, the fast lane (where a
 * quick sync handler runs) in its default shape; blocking detection off, nothing logged.
 */
export async function openInProcess(): Promise<InProcessDispatch> {
  const app = await createApp(def, { pool: { minThreads: 1, maxThreads: 1 }, blocking: { enabled: false }, logger: silentLogger })
  const pool = app.pool
  try {
    const route = (id: string) => {
      const r = app.routes.find((x) => x.id === id)
      if (r === undefined) throw new Error(`no route ${id}`)
      return r
    }
    const asyncDict = route('CoerceAsync.dict')
    const syncDict = route('CoerceSync.dict')
    const { container } = app.compiled
    const asyncReq = request(asyncDict)
    const syncReq = request(syncDict)
    const extractor = json(Item)
    const body = Buffer.from('{"name":"widget","qty":3}')
    return {
      direct: () => values.dict(),
      // The pool is the offloader, as in the server (neither route nor extractor offloads).
      asyncRoute: () => runRoute(asyncDict, asyncReq, container, pool),
      syncRoute: () => pool.runRoute(syncDict, syncReq),
      coercions: (['dict', 'model', 'str', 'none', 'created', 'bytes'] as const).map((name) => {
        const make = values[name]
        return { name, call: () => coerce(make(), 'micro') }
      }),
      extractJsonBody: () => extractor.extract(new RequestContext({ ...syncReq, headers: JSON_HEADERS, body }, container, pool)),
      lane: { threads: pool.options.fastLaneThreads, tasksPerWorker: FAST_LANE_TASKS_PER_WORKER },
      close: () => pool.destroy(),
    }
  } catch (err) {
    await pool.destroy()
    throw err
  }
}
