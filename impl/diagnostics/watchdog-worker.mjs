// The blocking watchdog. Plain JavaScript: it must start without any loader.
//
// The loop writes a heartbeat (epoch ms) into shared memory every few ms. This thread checks it;
// when the heartbeat is older than the threshold, the loop is blocked right now, so it connects
// an inspector session to the main thread, enables the debugger, pauses the main thread, reads
// the call stack at the blocking call (V8 handles these requests even inside Atomics.wait or a
// long computation), resumes at once, and disconnects. Unless the loop thread spent that time
// waiting for a CPU (its run-queue wait, from Linux's schedstat, next to the heartbeat): then
// nothing blocks it, and pausing it would only slow a loop that is already short of CPU.
// Between stalls there is no session at all: a connected session with the debugger enabled
// halved the loop's request throughput, and a merely connected one still cost a measurable
// share (measured on this project's machine). Schedstat is read here by hand, not through
// impl/shared/thread-clock.ts, because this file must load without a TypeScript loader.
import { openSync, readSync } from 'node:fs'
import inspector from 'node:inspector'
import { parentPort, workerData } from 'node:worker_threads'

const beat = new Float64Array(workerData.buffer, 0, 2)
const { thresholdMs, maxFrames, loopSchedstat } = workerData
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
    // A pause that lands after the loop beat again is not in the stall: this thread asked late
    // (it was itself waiting for a CPU) and the loop had moved on to other callbacks. Its stack
    // would name whichever handler ran next, so it is dropped rather than misattributed.
    const late = beat[0] !== stallOf
    const frames = late ? [] : params.callFrames.slice(0, maxFrames).map((f) => ({
      fn: f.functionName,
      cls: f.this?.className,
      url: f.url || urls.get(f.location.scriptId) || '',
      line: f.location.lineNumber + 1,
      column: f.location.columnNumber + 1,
    }))
    const done = session
    done.post('Debugger.resume', () => done.disconnect())
    session = undefined
    if (!late) parentPort.postMessage({ stalledSince: stallOf, sampledAt: Date.now(), frames })
  })
  session.post('Debugger.enable', (err) => {
    if (err) {
      session?.disconnect()
      session = undefined
    } else session?.post('Debugger.pause')
  })
}

let statFd
try {
  if (loopSchedstat) statFd = openSync(loopSchedstat, 'r')
} catch {
  // no schedstat here: every stall is sampled
}
const statBuf = Buffer.alloc(64)

/** How long the loop thread has waited for a CPU since its last heartbeat, ms (0 when unknown). */
function waitedSinceBeat() {
  if (statFd === undefined) return 0
  try {
    const n = readSync(statFd, statBuf, 0, statBuf.length, 0)
    const waited = Number(statBuf.toString('latin1', 0, n).split(' ')[1]) / 1e6 - beat[1]
    return Number.isFinite(waited) && waited > 0 ? waited : 0
  } catch {
    return 0
  }
}

parentPort.postMessage({ ready: true })
const tick = Math.max(5, Math.floor(thresholdMs / 4))
setInterval(() => {
  const last = beat[0]
  if (session === undefined && last > 0 && stallOf !== last) {
    const stale = Date.now() - last
    if (stale > thresholdMs && stale - waitedSinceBeat() > thresholdMs) {
      stallOf = last
      sample()
    }
  }
}, tick)
