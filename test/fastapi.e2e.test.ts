/**
 * The FastAPI example (a real non-Node target) through the conformance CLI, exactly as its README
 * says. Needs Debian's python3-fastapi and python3-uvicorn, which .ci/run installs; on a developer
 * machine without them the test is skipped with that reason, and under CI it fails instead.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import type { ConformanceReport } from '../scenarios/types.ts'

const PY = '/usr/bin/python3'
const available = spawnSync(PY, ['-c', 'import fastapi, uvicorn'], { stdio: 'ignore' }).status === 0
const ROOT = fileURLToPath(new URL('..', import.meta.url))

// Only under CI: a developer machine may lack the packages (the test below is then skipped), but CI must not.
it.runIf(process.env.CI)('CI has the FastAPI packages (.ci/run installs them)', () => {
  expect(available).toBe(true)
})

/**
 * FastAPI's two known v2 failures (examples/fastapi/README.md): sync dependencies lose their
 * context writes (fastapi/fastapi#953: a WARN every time), and the pooled resource can deadlock
 * the thread pool (fastapi/fastapi#3205: a FAIL in about half of fresh attempts, so in most runs
 * of five attempts — but not all, hence either verdict is accepted there).
 */
const KNOWN: Record<string, readonly string[]> = {
  'context.parity.dependency-writes': ['WARN'],
  'resources.sync-dependency-pool': ['FAIL', 'PASS'],
}

// The latency verdicts rely on the CLI's attempts (--attempts, default 3): the test itself runs once.
it.skipIf(!available)('FastAPI passes every MUST and SHOULD case but its two known v2 failures', { timeout: 400_000 }, () => {
  const json = join(mkdtempSync(join(tmpdir(), 'unblocked-fastapi-')), 'report.json')
  const cmd = `${PY} -m uvicorn app:app --app-dir examples/fastapi --host 127.0.0.1 --port {port} --log-level warning`
  const run = spawnSync(process.execPath, ['bin/unblocked.mjs', 'conformance', '--name', 'fastapi', '--spawn', cmd, '--json', json], { cwd: ROOT, encoding: 'utf8', timeout: 390_000 })
  const report = JSON.parse(readFileSync(json, 'utf8')) as ConformanceReport
  const bad = report.cases.filter((c) => !['PASS', 'INFO', 'UNIMPLEMENTED'].includes(c.verdict) && !KNOWN[c.id]?.includes(c.verdict)).map((c) => `${c.id}: ${c.verdict} ${c.reason}`)
  expect(bad).toEqual([])
  for (const c of report.cases.filter((r) => r.unstable)) expect(`${c.id}: ${c.verdict}`).toBe(`${c.id}: PASS`)
  const verdict = (id: string) => report.cases.find((c) => c.id === id)?.verdict
  expect(verdict('context.parity.dependency-writes')).toBe('WARN')
  expect(verdict('deps.sync-dependency-keeps-loop-free')).toBe('PASS')
  expect(run.status).toBe(verdict('resources.sync-dependency-pool') === 'FAIL' ? 1 : 0)
  expect(report.cases.find((c) => c.id === 'thread-safety.unsafe-counter')?.data?.lostUpdates).toBeGreaterThan(0)
})
