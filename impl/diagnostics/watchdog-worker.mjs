// The blocking watchdog. Plain JavaScript: it must start without any loader.
//
// The loop writes a heartbeat (epoch ms) into shared memory every few ms. This thread checks it;
// when the heartbeat is older than the threshold, the loop is blocked right now, so it connects
// an inspector session to the main thread, enables the debugger, pauses the main thread, reads
// the call stack at the blocking call (V8 handles these requests even inside Atomics.wait or a
// long computation), resumes at once, and disconnects. Between stalls there is no session at
// all: a connected session with the debugger enabled halved the loop's request throughput, and
// a merely connected one still cost a measurable share (measured on this project's machine).
import inspector from 'node:inspector'
import { parentPort, workerData } from 'node:worker_threads'

const beat = new Float64Array(workerData.buffer, 0, 1)
const { thresholdMs, maxFrames } = workerData
const urls = new Map() // scriptId → url, for frames whose url the pause event leaves empty

let stallOf = -1 // the heartbeat value of the stall already sampled
let session

function sample() {
  session = new inspector.Session()
  session.connectToMainThread()
  session.on('Debugger.scriptParsed', ({ params }) => {
    if (params.url) urls.set(params.scriptId, params.url)
  })
  session.once('Debugger.paused', ({ params }) => {
    const frames = params.callFrames.slice(0, maxFrames).map((f) => ({
      fn: f.functionName,
      cls: f.this?.className,
      url: f.url || urls.get(f.location.scriptId) || '',
      line: f.location.lineNumber + 1,
      column: f.location.columnNumber + 1,
    }))
    const done = session
    done.post('Debugger.resume', () => done.disconnect())
    session = undefined
    parentPort.postMessage({ stalledSince: stallOf, sampledAt: Date.now(), frames })
  })
  session.post('Debugger.enable', (err) => {
    if (err) {
      session?.disconnect()
      session = undefined
    } else session?.post('Debugger.pause')
  })
}

parentPort.postMessage({ ready: true })
const tick = Math.max(5, Math.floor(thresholdMs / 4))
setInterval(() => {
  const last = beat[0]
  if (session === undefined && last > 0 && Date.now() - last > thresholdMs && stallOf !== last) {
    stallOf = last
    sample()
  }
}, tick)
