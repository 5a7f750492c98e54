/**
 * Micro-benchmarks (tinybench), each measured in the same run so they compare as ratios: the
 * per-call cost of dispatch paths against their floors, coercion per return type, and extraction
 * of a validated JSON body. Round trips run one at a time (no overlap), so each sample is the
 * latency of one call.
 */
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { Piscina } from 'piscina'
import { Bench } from 'tinybench'
import { compileApp } from '../../impl/app.ts'
import { coerce } from '../../impl/coerce.ts'
import { WorkerPool } from '../../impl/dispatch/pool.ts'
import { runRoute } from '../../impl/dispatch/pipeline.ts'
import { inlineOffloader } from '../../impl/dispatch/tasks.ts'
import { RequestContext, type RequestData } from '../../impl/extract/context.ts'
import { json } from '../../impl/extract/builtins.ts'
import { SharedMemory } from '../../impl/shared/memory.ts'
import def from '../../targets/reference/app.ts'
import { values } from '../../targets/reference/controllers/coerce.ts'
import { Item } from '../../targets/reference/schemas.ts'

export interface MicroResult {
  readonly name: string
  readonly group: 'dispatch' | 'floor' | 'coercion' | 'extraction'
  readonly state: 'ok' | 'errored'
  readonly error?: string
  readonly opsPerSec?: number
  /** µs per call. */
  readonly meanUs?: number
  readonly p50Us?: number
  readonly p99Us?: number
  /** Relative margin of error of the mean, %. */
  readonly rme?: number
  readonly samples?: number
}

export interface MicroReport {
  readonly results: readonly MicroResult[]
  /** offload path mean / bare piscina.run mean. */
  readonly offloadVsPiscina: number | undefined
}

function request(route: { method: string; path: string }, body: Uint8Array | null = null): RequestData {
  return { method: route.method, path: route.path, params: {}, query: '', headers: {}, body }
}

export async function runMicro(timeMs: number): Promise<MicroReport> {
  const shared = new SharedMemory()
  const app = compileApp(def, shared)
  const route = (id: string) => {
    const r = app.routes.find((x) => x.id === id)
    if (r === undefined) throw new Error(`no route ${id}`)
    return r
  }
  const asyncDict = route('CoerceAsync.dict')
  const syncDict = route('CoerceSync.dict')
  const pool = new WorkerPool(def.module, shared, app.routes, { minThreads: 1, maxThreads: 1 })
  const piscina = new Piscina({ filename: new URL('./micro/echo-worker.mjs', import.meta.url).href, minThreads: 1, maxThreads: 1, idleTimeout: 60_000 })
  const raw = new Worker(new URL('./micro/raw-worker.mjs', import.meta.url))
  try {
    await Promise.all([pool.warm(), piscina.run(null), once(raw, 'online')])
    const asyncReq = request(asyncDict)
    const syncReq = request(syncDict)
    const payload = { kind: 'dict', n: 1 }
    const extractor = json(Item)
    const body = Buffer.from('{"name":"widget","qty":3}')
    // A long warm-up: the offload path runs code in the worker that has to be JIT-compiled, and
    // short runs overstate its cost (measured: 1.73× at 150 ms, 1.27× at 1 s per task).
    const bench = new Bench({ time: timeMs, warmupTime: 300 })
    const groups = new Map<string, MicroResult['group']>()
    const add = (name: string, group: MicroResult['group'], fn: () => unknown) => {
      groups.set(name, group)
      bench.add(name, fn)
    }
    add('direct function call', 'floor', () => values.dict())
    add('async handler through the framework (in-process pipeline)', 'dispatch', () => runRoute(asyncDict, asyncReq, app.container, inlineOffloader))
    add('sync handler through the offload path (WorkerPool.runRoute)', 'dispatch', () => pool.runRoute(syncDict, syncReq))
    add('bare piscina.run round trip', 'floor', () => piscina.run(payload))
    add('raw worker_threads postMessage round trip', 'floor', () => {
      const reply = once(raw, 'message')
      raw.postMessage(payload)
      return reply
    })
    for (const name of ['dict', 'model', 'str', 'none', 'created', 'bytes'] as const) {
      const make = values[name]
      add(`coerce ${name}`, 'coercion', () => coerce(make(), 'micro'))
    }
    add('extract a validated JSON body', 'extraction', () => extractor.extract(new RequestContext({ ...syncReq, body }, app.container, inlineOffloader)))
    await bench.run()
    const results: MicroResult[] = bench.tasks.map((t) => {
      const r = t.result
      const group = groups.get(t.name) ?? 'dispatch'
      if (r.state === 'completed' || r.state === 'aborted-with-statistics') {
        const us = (ms: number) => Math.round(ms * 1000 * 1000) / 1000
        return { name: t.name, group, state: 'ok', opsPerSec: Math.round(r.throughput.mean), meanUs: us(r.latency.mean), p50Us: us(r.latency.p50), p99Us: us(r.latency.p99), rme: Math.round(r.latency.rme * 100) / 100, samples: t.runs }
      }
      const error = r.state === 'errored' ? r.error.message : `not completed (${r.state})`
      return { name: t.name, group, state: 'errored', error }
    })
    const mean = (prefix: string) => results.find((r) => r.name.startsWith(prefix))?.meanUs
    const offload = mean('sync handler through the offload path')
    const floor = mean('bare piscina.run')
    return { results, offloadVsPiscina: offload !== undefined && floor ? Math.round((offload / floor) * 100) / 100 : undefined }
  } finally {
    await Promise.allSettled([pool.destroy(), piscina.destroy(), raw.terminate()])
  }
}
