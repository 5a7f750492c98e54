/**
 * The floor under every framework: Node's own `node:http` with a hand-written route table and no
 * framework at all. It serves only what the bench's floor comparison needs (`json-async`'s
 * `GET /coerce/async/dict`, plus `/health` and `/ping`), so it is not a contract target: the bench
 * runs it in the scenarios it declares and does not verify it.
 */
import type { TargetSpec } from '../spec.ts'
import { running } from '../shared/running.ts'

export const target: TargetSpec = {
  name: 'node-http',
  summary: 'no framework: node:http and a switch on the path (a floor, json-async only)',
  framework: () => `node:http (Node ${process.versions.node})`,
  floor: { scenarios: ['json-async'] },
  start: async (port, host) => running(target, await (await import('./server.ts')).startServer(port, host)),
}
