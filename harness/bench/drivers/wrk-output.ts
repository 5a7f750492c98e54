/**
 * Reading what wrk printed. Not its text for people (units that change with magnitude — "411.59us",
 * "1.03ms", "17.61k" — and totals it leaves out): the one line our script's `done()` prints
 * (wrk-script.ts), found by its marker wherever it is in the output, validated field by field.
 * Anything else (no such line, a half-written one, a field missing) is an error that says what
 * was wrong and shows the end of what wrk printed, in one line.
 */
import { z } from 'zod'
import { oneLine } from '../../../scenarios/one-line.ts'
import { summarizeUs } from '../latency.ts'
import { RESULT_MARKER } from './wrk-script.ts'
import type { DriverResult } from './driver.ts'

const n = z.number().nonnegative()
const count = z.int().nonnegative()

const WrkReportSchema = z.object({
  requests: count,
  durationUs: z.number().positive(),
  errors: z.object({ connect: count, read: count, write: count, status: count, timeout: count }),
  latencyUs: z.object({ p50: n, p90: n, p99: n, p999: n, max: n, mean: n }),
  statuses: z.record(z.string().regex(/^\d{3}$/), count),
  mismatches: count,
  checked: count,
})

export type WrkReport = z.infer<typeof WrkReportSchema>

export class WrkOutputError extends Error {
  override readonly name = 'WrkOutputError'
}

/** The end of some output, in one line (what an error about it shows). */
const tail = (text: string): string => oneLine(text.trim().slice(-180)) || '(nothing)'

/** The result line in wrk's standard output; throws WrkOutputError when there is none, or it is malformed. */
export function parseWrkOutput(stdout: string, stderr = ''): WrkReport {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(RESULT_MARKER))
  if (line === undefined) throw new WrkOutputError(`wrk printed no result line; its output ended: ${tail(stderr || stdout)}`)
  let json: unknown
  try {
    json = JSON.parse(line.slice(RESULT_MARKER.length))
  } catch {
    throw new WrkOutputError(`wrk's result line is not JSON: ${tail(line)}`)
  }
  const parsed = WrkReportSchema.safeParse(json)
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
    throw new WrkOutputError(`wrk's result line is not as expected (${where}): ${tail(line)}`)
  }
  return parsed.data
}

/** A wrk report as a driver's result (without the driver's own use, which wrk does not know). */
export function wrkResult(r: WrkReport): Omit<DriverResult, 'use'> {
  const statusCodes: Record<string, number> = { ...r.statuses }
  const answered = Object.values(statusCodes).reduce((a, b) => a + b, 0)
  const durationSec = r.durationUs / 1e6
  const e = r.errors
  return {
    // wrk's own count and the script's agree (both count every completed answer); the script's is per status.
    requests: answered,
    durationSec,
    rps: answered / durationSec,
    latency: summarizeUs(r.latencyUs),
    // `read` includes the server closing a connection mid-answer; `status` (≥ 400) is not a connection error.
    errors: e.connect + e.read + e.write,
    timeouts: e.timeout,
    non2xx: Object.entries(statusCodes).reduce((sum, [code, k]) => (code.startsWith('2') ? sum : sum + k), 0),
    mismatches: r.mismatches,
    statusCodes,
  }
}
