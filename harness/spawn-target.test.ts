/** A target that does not start: the SpawnError says what was observed, and what the target printed. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { spawnTarget, SpawnError } from './spawn-target.ts'

const node = `"${process.execPath}"`

async function failure(command: string, opts: Parameters<typeof spawnTarget>[1]): Promise<SpawnError> {
  try {
    const started = await spawnTarget(command, opts)
    await started.stop()
  } catch (err) {
    if (err instanceof SpawnError) return err
    throw err
  }
  throw new Error(`${command} started`)
}

describe('spawnTarget start-up failures', () => {
  it('a command that exits: its code, after how long, and its last output', async () => {
    const err = await failure('echo starting; echo "boom: no config file" >&2; exit 3', { startupTimeoutMs: 10_000 })
    expect(err.reason).toMatch(/^the command exited with code 3 after \d+(\.\d)? m?s, before GET \/health answered 200; its last output: "starting ⏎ boom: no config file"$/)
    expect(err.output).toEqual(['starting', 'boom: no config file'])
    expect(err.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(err.command).toBe('echo starting; echo "boom: no config file" >&2; exit 3')
  })

  it('a /health that never answers 200: what it answered, for how long', async () => {
    const server = `${node} -e "require('node:http').createServer((q, r) => { r.statusCode = 404; r.end() }).listen(process.env.PORT, '127.0.0.1')"`
    const err = await failure(server, { startupTimeoutMs: 1_500 })
    // The process may not listen at the first poll: then the refusals came before the 404s.
    expect(err.reason).toMatch(/^GET \/health answered 404 for (1\.5 s|the last \d+(\.\d)? m?s of 1\.5 s \(before that: connection refused\))$/)
  })

  it('an abort while it starts stops it: "interrupted after …"', async () => {
    const abort = new AbortController()
    const pidFile = join(mkdtempSync(join(tmpdir(), 'unblocked-spawn-')), 'pid')
    // Aborted once the command runs (its pid written), at most 10 s on.
    const poll = setInterval(() => existsSync(pidFile) && abort.abort(), 50)
    const limit = setTimeout(() => abort.abort(), 10_000)
    abort.signal.addEventListener('abort', () => (clearInterval(poll), clearTimeout(limit)))
    const t0 = performance.now()
    const err = await failure(`echo $$ > "${pidFile}"; exec sleep 60`, { startupTimeoutMs: 30_000, signal: abort.signal })
    expect(err.reason).toMatch(/^interrupted after \d+(\.\d)? m?s, before GET \/health answered 200$/)
    expect(performance.now() - t0).toBeLessThan(20_000) // not the start-up timeout, nor sleep's 60 s
    const pid = Number(readFileSync(pidFile, 'utf8'))
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/) // stopped, not left running
  })
})
