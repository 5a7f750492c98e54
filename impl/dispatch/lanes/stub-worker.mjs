// A stand-in for worker.ts in the lane tests (lane.test.ts): answers route calls with their
// index and thread, without loading an app. Route index -1 holds its worker until the test
// releases cell 0 of the shared buffer; index -2 makes the worker exit mid-call.
import { threadId, workerData } from 'node:worker_threads'

const gate = new Int32Array(workerData.sharedBuffer)

function answer(call) {
  if (call.index === -1) while (Atomics.load(gate, 0) === 0) Atomics.wait(gate, 0, 0)
  if (call.index === -2) process.exit(1)
  return { response: { status: 200, headers: {}, body: JSON.stringify({ index: call.index, thread: threadId }) }, ms: 0.01 }
}

export default function handle(task) {
  switch (task.kind) {
    case 'route':
      return answer(task)
    case 'routes':
      return task.calls.map(answer)
    case 'task':
      return task.args.reduce((a, b) => a + b, 0)
    case 'warm':
      return threadId
  }
}
