/**
 * `streaming.*` (contract v2): a streaming response over an iterator that sleeps between chunks —
 * blocking sleeps in `sync` mode, awaited ones in `async`. The body must be exact (a body cut short
 * is the target's answer, judged here, not a transport error), pings must stay free while streams
 * run, and the first chunk should arrive before the last is made (sent as it comes, not buffered).
 */
import { Checker, excerpt, mediaType, observe, statusAndBody } from '../check.ts'
import type { Reply, TargetClient } from '../client.ts'
import { ONE_LINE_MAX, oneLine } from '../one-line.ts'
import { probeDuring } from '../prober.ts'
import { round } from '../stats.ts'
import type { CaseDef } from '../types.ts'
import { checkProbe, missingEndpoint, PING_LIMIT_MS, probeData } from './loop-checks.ts'

type Mode = 'sync' | 'async'

const CHUNKS = 5
const SLEEP_MS = 100
const STREAMS = 4

export const streamPath = (mode: Mode, chunks = CHUNKS, ms = SLEEP_MS): string => `/stream/${mode}?chunks=${chunks}&ms=${ms}`

/** The body of `chunks` chunks: `0\n1\n…`. */
export const streamBody = (chunks: number): string => Array.from({ length: chunks }, (_, i) => `${i}\n`).join('')

/** A body for a reason, quoted with its newlines escaped: `"0\n1\n"`. */
const quoted = (body: Buffer): string => oneLine(JSON.stringify(excerpt(body, ONE_LINE_MAX)), Infinity)

/** A streamed request: what arrived, a body cut short included (`Reply.truncated`). */
function stream(client: TargetClient, path: string): Promise<Reply> {
  return client.request(path, { partial: true })
}

/**
 * What is wrong with a streamed reply, as one clause, or undefined when it is 200 with the exact body.
 * @example 'the body ended after 3 of 5 chunks: connection closed before the last chunk'
 */
export function streamProblem(reply: Reply, chunks: number): string | undefined {
  const want = streamBody(chunks)
  if (reply.truncated !== undefined) {
    const text = reply.body.toString('utf8')
    const complete = want.startsWith(text) ? `${text.split('\n').length - 1} of ${chunks} chunks` : `${reply.body.length} bytes (${quoted(reply.body)})`
    return `the body ended after ${complete}: ${oneLine(reply.truncated)}`
  }
  if (reply.status !== 200) return `answered ${statusAndBody(reply)}, expected 200`
  if (!reply.body.equals(Buffer.from(want, 'utf8'))) return `body ${quoted(reply.body)}, expected exactly ${JSON.stringify(want)}`
  return undefined
}

function iteratorCase(mode: Mode): CaseDef {
  const path = streamPath(mode)
  const sleeps = mode === 'sync' ? 'blocking' : 'awaited'
  return {
    id: `streaming.${mode}.iterator`,
    suite: 'streaming',
    level: 'MUST',
    optional: true,
    timing: true,
    description: `GET ${path} (a streaming response over an iterator that sleeps ${SLEEP_MS} ms, ${sleeps}, before each chunk) answers 200 "${streamBody(CHUNKS).replaceAll('\n', '\\n')}" exactly, and pings stay under ${PING_LIMIT_MS} ms while ${STREAMS} run (MUST); the first body byte arrives before half the total time, as text/plain (SHOULD)`,
    async run({ client }) {
      // Warm-up: connections and workers, so the measured stream does not pay for start-up.
      const warmed = await Promise.all(Array.from({ length: STREAMS }, () => stream(client, streamPath(mode, 1, 0))))
      const missing = missingEndpoint(warmed, `GET ${streamPath(mode, 1, 0)}`)
      if (missing !== undefined) return missing
      const c = new Checker()
      const want = { status: 200, body: streamBody(CHUNKS) }
      const single = await stream(client, path)
      c.data.totalMs = round(single.ms)
      if (single.firstByteMs !== undefined) c.data.firstByteMs = round(single.firstByteMs)
      const problem = streamProblem(single, CHUNKS)
      c.must(problem === undefined, `GET ${path}: ${problem}`, want, observe(single))
      const { probe, result } = await probeDuring(client, () => Promise.all(Array.from({ length: STREAMS }, () => stream(client, path))))
      Object.assign(c.data, probeData(probe))
      if (result.status === 'rejected') throw result.reason
      const bad = result.value.map((r) => [r, streamProblem(r, CHUNKS)] as const).filter(([, p]) => p !== undefined)
      const [firstBad] = bad
      c.must(firstBad === undefined, `${bad.length} of ${STREAMS} concurrent GET ${path}: ${firstBad?.[1]}${bad.length > 1 ? ' (the first)' : ''}`, want, firstBad && observe(firstBad[0]))
      checkProbe(c, probe, `${STREAMS} × GET ${path}`)
      if (problem === undefined && single.firstByteMs !== undefined) {
        const first = round(single.firstByteMs)
        const total = round(single.ms)
        c.should(first < total / 2, `the first body byte of GET ${path} arrived ${first} ms after the send, the last at ${total} ms (bound: the first before half the total)`, { firstByteMs: `< ${round(total / 2)}` }, { firstByteMs: first, totalMs: total })
      }
      const type = single.headers['content-type']
      c.should(mediaType(type).essence === 'text/plain', `GET ${path} answered content-type ${oneLine(type ?? '(none)')}, expected text/plain`, { headers: { 'content-type': 'text/plain' } }, observe(single))
      return c.outcome()
    },
  }
}

const PARITY_CHUNKS = 5
const PARITY_MS = 10

export const streamingCases: CaseDef[] = [
  iteratorCase('sync'),
  iteratorCase('async'),
  {
    id: 'streaming.parity',
    suite: 'streaming',
    level: 'SHOULD',
    optional: true,
    description: `GET ${streamPath('sync', PARITY_CHUNKS, PARITY_MS)} and GET ${streamPath('async', PARITY_CHUNKS, PARITY_MS)} give the same status and body`,
    async run({ client }) {
      const syncPath = streamPath('sync', PARITY_CHUNKS, PARITY_MS)
      const asyncPath = streamPath('async', PARITY_CHUNKS, PARITY_MS)
      const [s, a] = [await stream(client, syncPath), await stream(client, asyncPath)]
      // A 404 in either mode: the pair cannot be compared, and two 404s are not parity.
      const missing = missingEndpoint([s], `GET ${syncPath}`) ?? missingEndpoint([a], `GET ${asyncPath}`)
      if (missing !== undefined) return missing
      const c = new Checker()
      const ended = (r: Reply): string => (r.truncated === undefined ? '' : ` (the body ended: ${oneLine(r.truncated)})`)
      const diffs: string[] = []
      if (a.status !== s.status) diffs.push(`status ${a.status}, sync ${s.status}`)
      if (!a.body.equals(s.body) || ended(a) !== ended(s)) diffs.push(`the async body is ${quoted(a.body)}${ended(a)}, the sync one ${quoted(s.body)}${ended(s)}`)
      c.should(diffs.length === 0, `GET ${asyncPath} differs from GET ${syncPath}: ${diffs.join('; ')}`, observe(s), observe(a))
      return c.outcome()
    },
  },
]
