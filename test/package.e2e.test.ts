/**
 * The package as a user gets it (issue 13): `npm pack`, the tarball installed into an empty folder,
 * then what a Node user does with it — a plain-JavaScript app and a TypeScript app compiled with
 * plain `tsc` import `unblocked`, serve, and run their sync handlers in pool workers; and
 * `npx unblocked conformance --spawn …` runs from that folder. Nothing of the checkout is on the
 * path: the app folders hold only the examples' files and what npm installed.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnListening } from './http.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const EXAMPLES = join(ROOT, 'examples')
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')

let work: string
let tarball: string
/** The folder the tarball is installed in, shared by the apps (one install: npm fetches once). */
let app: string

function npm(args: readonly string[], cwd: string, timeoutMs: number): string {
  return execFileSync('npm', [...args], { cwd, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } })
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'unblocked-package-'))
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', work], ROOT, 180_000)) as { filename: string; files: { path: string }[] }[]
  const first = packed[0]
  if (first === undefined) throw new Error('npm pack reported no tarball')
  tarball = join(work, first.filename)
  files = first.files.map((f) => f.path)
  app = join(work, 'app')
  cpSync(join(EXAMPLES, 'plain-js'), join(app, 'plain-js'), { recursive: true })
  cpSync(join(EXAMPLES, 'typescript'), join(app, 'typescript'), { recursive: true })
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'an-app', private: true, type: 'module' }, null, 2)}\n`)
  npm(['install', '--no-package-lock', tarball, '@types/node@20'], app, 300_000)
}, 480_000)

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true })
})

let files: string[] = []

describe('the tarball', () => {
  it('carries the built JavaScript with its types, the bin, README and LICENSE; no tests, fixtures, sources or results', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'bin/unblocked.mjs', 'dist/impl/index.js', 'dist/impl/index.d.ts', 'dist/harness/cli.js', 'dist/impl/dispatch/worker-bootstrap.mjs']))
    const unwanted = files.filter((f) => /\.test\.|(^|\/)test\/|fixtures|reports\/out|\.tsbuildinfo/.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('loader-probe.ts')))
    expect(unwanted).toEqual([])
  })

  it('installs without tsx: the package runs its JavaScript', () => {
    expect(existsSync(join(app, 'node_modules', 'unblocked', 'dist', 'impl', 'index.js'))).toBe(true)
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false)
  })
})

describe('npx unblocked', () => {
  it('--version prints the package version', () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
    expect(npm(['exec', '--', 'unblocked', '--version'], app, 60_000).trim()).toBe(version)
  })

  it('conformance --spawn runs a suite from the installed package and writes its JSON report', () => {
    const report = join(work, 'conformance.json')
    const r = spawnSync('npx', ['unblocked', 'conformance', '--spawn', 'npx unblocked serve reference --port {port}', '--suite', 'coercion', '--json', report], { cwd: app, encoding: 'utf8', timeout: 240_000 })
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0)
    const json = JSON.parse(readFileSync(report, 'utf8')) as { cases: { verdict: string }[] }
    expect(json.cases.length).toBeGreaterThan(10)
    expect(json.cases.filter((c) => c.verdict === 'FAIL' || c.verdict === 'ERROR')).toEqual([])
  }, 300_000)
})
