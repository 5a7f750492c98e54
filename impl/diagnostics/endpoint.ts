/**
 * The blocking-detection endpoint, a built-in endpoint (server/parts.ts) registered by
 * `blocking.endpoint`: GET reads `{enabled, events, totalEvents, thresholdMs, loopDelay, starved,
 * pool}`; PUT `{"enabled": boolean}` switches detection, when `blocking.switchable`.
 */
import type { IncomingMessage } from 'node:http'
import { z } from 'zod'
import { JSON_TYPE } from '../coerce.ts'
import { outcomeOfError, type Outcome } from '../error-response.ts'
import { HttpError, UnblockedError } from '../errors.ts'
import { afterDrain, hasBody, readBody } from '../server/body.ts'
import type { BuiltinEndpoint } from '../server/parts.ts'
import type { DetectionSwitch } from './detection.ts'

const Switch = z.strictObject({ enabled: z.boolean() })

export interface DiagnosticsEndpointOptions {
  /** @example '/diagnostics/blocking' */
  readonly path: string
  readonly detection: DetectionSwitch
  /** Whether PUT may switch detection (`blocking.switchable`). */
  readonly switchable: boolean
  /** What the snapshot reports under `pool` (the worker pool's `stats`). */
  readonly poolStats: () => unknown
  /** Largest PUT body read, bytes. */
  readonly bodyLimit: number
}

export class DiagnosticsEndpoint implements BuiltinEndpoint {
  readonly path: string
  readonly #detection: DetectionSwitch
  readonly #switchable: boolean
  readonly #poolStats: () => unknown
  readonly #bodyLimit: number

  constructor(o: DiagnosticsEndpointOptions) {
    if (!o.path.startsWith('/')) throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`the diagnostics endpoint's path must start with '/', got ${o.path}`])
    this.path = o.path
    this.#detection = o.detection
    this.#switchable = o.switchable
    this.#poolStats = o.poolStats
    this.#bodyLimit = o.bodyLimit
  }

  async handle(req: IncomingMessage, method: string): Promise<Outcome> {
    if (method === 'GET') {
      const snapshot = this.#snapshot()
      return { response: await afterDrain(req, snapshot.response) }
    }
    if (method !== 'PUT' || !this.#switchable) {
      const allow = this.#switchable ? 'GET, PUT' : 'GET'
      return { response: await afterDrain(req, new HttpError('UNB_ERR_ROUTE_METHOD_NOT_ALLOWED', [method, this.path], { headers: { allow } }).toResponse()) }
    }
    try {
      const body = hasBody(req) ? await readBody(req, this.#bodyLimit) : new Uint8Array()
      let parsed: unknown
      try {
        parsed = JSON.parse(Buffer.from(body).toString('utf8'))
      } catch (err) {
        throw new HttpError('UNB_ERR_REQUEST_MALFORMED_JSON', [(err as Error).message])
      }
      const r = Switch.safeParse(parsed)
      if (!r.success) throw new HttpError('UNB_ERR_REQUEST_VALIDATION', ['the body must be {"enabled": true} or {"enabled": false}'])
      await this.#detection.set(r.data.enabled)
      return this.#snapshot()
    } catch (err) {
      const outcome = outcomeOfError(err, `${method} ${this.path}`)
      return { ...outcome, response: await afterDrain(req, outcome.response) }
    }
  }

  #snapshot(): Outcome {
    const body = { enabled: this.#detection.enabled, ...this.#detection.monitor.snapshot(), pool: this.#poolStats() }
    return { response: { status: 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(body) } }
  }
}
