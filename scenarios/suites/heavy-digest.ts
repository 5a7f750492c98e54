/**
 * The expected digest of the cpu cases' heavy K (K itself is calibrated on the target:
 * calibrate-cpu.ts), computed in a worker thread that has exited before the probe starts. Computed on the prober's own thread, the ~300 ms SHA-256 chain (a Hash
 * object and two Buffers per round, 100,000–300,000 rounds) filled the prober's heap with garbage:
 * its young-generation collections took 12–22 ms each (--trace-gc of the CLI), and one landing at
 * the start of the probe stalled the prober for 15–53 ms while the target's worker hashed on one of
 * the two cores (30–384 ms when the prober had more to do). Pings are timed from their scheduled
 * send, so the prober's stall counted against the target: an idle control server pinged from the
 * same process stalled just as long. Measured with the worker: no prober GC of 10 ms or more in a
 * cpu probe, and cpu-sync's worst ping 3.9–14.9 ms against fastify-piscina (4.8–58.3 ms before).
 */
import { Worker } from 'node:worker_threads'

export interface HeavyDigest {
  /** K. */
  readonly rounds: number
  /** sha256Chain(rounds), hex. */
  readonly digest: string
}

// Plain JavaScript, evaluated: a worker does not inherit the TypeScript loader. The same chain as
// sha256Chain in blocking.ts (heavy-digest.test.ts checks that they agree).
const SOURCE = `
const { createHash } = require('node:crypto')
const { parentPort, workerData } = require('node:worker_threads')
function chain(rounds) {
  let d = createHash('sha256').update('unblocked', 'ascii').digest()
  for (let i = 0; i < rounds; i++) d = createHash('sha256').update(d).digest()
  return d.toString('hex')
}
parentPort.postMessage({ rounds: workerData.rounds, digest: chain(workerData.rounds) })
`

/** sha256Chain(rounds), off this thread. */
export function heavyDigest(opts: { rounds: number }): Promise<HeavyDigest> {
  return new Promise((resolve, reject) => {
    const w = new Worker(SOURCE, { eval: true, workerData: opts })
    let result: HeavyDigest | undefined
    w.once('message', (m: HeavyDigest) => (result = m))
    w.once('error', reject)
    // Resolve on exit, not on the message: the worker's thread and heap are gone before probing.
    w.once('exit', (code) => (result !== undefined ? resolve(result) : reject(new Error(`the digest worker exited (code ${code}) without a result`))))
  })
}
