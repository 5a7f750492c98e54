// The floor for any worker round trip: a raw worker_threads echo over postMessage.
import { parentPort } from 'node:worker_threads'

parentPort.on('message', (m) => parentPort.postMessage(m))
