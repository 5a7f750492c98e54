/**
 * Before the cases: does anything accept a TCP connection at the target's host and port? When
 * nothing does, every case would fail the same way, each with its own line (92 of them, and their
 * explanations after). One bounded connect says it once. Only the connection is checked: what
 * answers on it, and how, is the cases' business.
 */
import { connect } from 'node:net'

/** What a failed connect saw, in a few words; Node's code for anything unnamed here. */
function observed(err: unknown): string {
  const code = (err as { code?: string }).code
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused'
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve'
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to the host'
    default:
      return code ?? (err instanceof Error ? err.message : String(err))
  }
}

/**
 * Undefined when a TCP connection to `url`'s host and port opens within `timeoutMs` (closed at
 * once); else what was seen: `connection refused`, `no connection within 5 s`. An abort of
 * `signal` ends the wait with `interrupted`.
 */
export function nothingAnswers(url: string, timeoutMs: number, signal?: AbortSignal): Promise<string | undefined> {
  const u = new URL(url)
  const port = u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port)
  // An IPv6 literal comes bracketed in a URL; connect() takes it bare.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1')
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (why: string | undefined): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      socket.destroy()
      resolve(why)
    }
    const onAbort = (): void => done('interrupted')
    const timer = setTimeout(() => done(`no connection within ${Math.round(timeoutMs / 100) / 10} s`), timeoutMs)
    signal?.addEventListener('abort', onAbort, { once: true })
    socket.once('connect', () => done(undefined))
    socket.once('error', (err) => done(observed(err)))
    if (signal?.aborted) onAbort()
  })
}
