// The blocking watchdog. Plain JavaScript: it must start without any loader.
//
// The loop writes a heartbeat (epoch ms) into shared memory every few ms. This thread checks it;
// when the heartbeat is older than the threshold, the loop is blocked right now, so it asks the
// inspector to pause the main thread, reads the call stack at the blocking call (V8 handles the
// pause request even inside Atomics.wait or a long computation), resumes at once, and posts the
// frames to the loop. Nothing runs on the loop's hot path.
import inspector from 'node:inspector'
import { parentPort, workerData } from 'node:worker_threads'

const beat = new Float64Array(workerData.buffer, 0, 1)
const { thresholdMs, maxFrames } = workerData
const urls = new Map() // scriptId → url, for frames whose url the pause event leaves empty
const session = new inspector.Session()
session.connectToMainThread()
session.on('Debugger.scriptParsed', ({ params }) => {
  if (params.url) urls.set(params.scriptId, params.url)
})
let stallOf = -1 // the heartbeat value of the stall already sampled
session.on('Debugger.paused', ({ params }) => {
  const frames = params.callFrames.slice(0, maxFrames).map((f) => ({
    fn: f.functionName,
    cls: f.this?.className,
    url: f.url || urls.get(f.location.scriptId) || '',
    line: f.location.lineNumber + 1,
    column: f.location.columnNumber + 1,
  }))
  session.post('Debugger.resume')
  parentPort.postMessage({ stalledSince: stallOf, sampledAt: Date.now(), frames })
})
session.post('Debugger.enable', () => {
  parentPort.postMessage({ ready: true })
})

const tick = Math.max(5, Math.floor(thresholdMs / 4))
setInterval(() => {
  const last = beat[0]
  if (last > 0 && Date.now() - last > thresholdMs && stallOf !== last) {
    stallOf = last
    session.post('Debugger.pause')
  }
}, tick)
