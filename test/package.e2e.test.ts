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
  npm(['install', '--no-package-lock', tarball, '@types/node@20', 'tsx@4'], app, 300_000)
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

  it('depends on no TypeScript loader: tsx is not among its dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(app, 'node_modules', 'unblocked', 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
    expect(Object.keys(pkg.dependencies ?? {})).not.toContain('tsx')
    expect(existsSync(join(app, 'node_modules', 'unblocked', 'dist', 'impl', 'index.js'))).toBe(true)
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

interface Answer { status: number; body: Record<string, unknown> }

async function get(url: string): Promise<Answer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/** Start the example with `command`, check its sync handler ran in a worker and its async one on the loop, stop it. */
async function servesFromWorkers(command: string, args: readonly string[], cwd: string): Promise<void> {
  const s = await spawnListening(command, args, { cwd, env: { PORT: '0' }, timeoutMs: 60_000 })
  try {
    const work = await get(`${s.url}/work?ms=20`)
    expect(work).toEqual({ status: 200, body: { slept: 20, thread: expect.any(Number) } })
    expect(work.body.thread).toBeGreaterThan(0) // a worker thread: the loop is thread 0
    expect(await get(`${s.url}/hello/ada`)).toEqual({ status: 200, body: { hello: 'ada', thread: 0 } })
    expect((await get(`${s.url}/work?ms=x`)).status).toBe(422)
    expect(await s.stop()).toBe(0) // its SIGTERM handler closes the app and exits 0
  } finally {
    await s.stop()
  }
}

describe('apps using the installed package', () => {
  it('(a) plain JavaScript without decorators: node main.js serves, the sync handler in a worker', async () => {
    await servesFromWorkers(process.execPath, ['main.js'], join(app, 'plain-js'))
  }, 120_000)

  it('(b) TypeScript with decorators, compiled by plain tsc (tsc --init, target ES2022, node types): node dist/main.js serves alike', async () => {
    const dir = join(app, 'typescript')
    rmSync(join(dir, 'tsconfig.json'))
    execFileSync(process.execPath, [TSC, '--init'], { cwd: dir, stdio: 'ignore', timeout: 60_000 })
    // --init's defaults, and what decorators and Node need: a target below ESNext (so tsc compiles
    // the standard decorators), Node's types, an output folder.
    const config = readFileSync(join(dir, 'tsconfig.json'), 'utf8')
      .replace(/"target":\s*"[^"]*"/, '"target": "es2022"')
      .replace(/"types":\s*\[[^\]]*\]/, '"types": ["node"], "outDir": "dist"')
    expect(config).toContain('"outDir": "dist"')
    writeFileSync(join(dir, 'tsconfig.json'), config)
    const tsc = spawnSync(process.execPath, [TSC, '-p', dir], { cwd: dir, encoding: 'utf8', timeout: 120_000 })
    expect(`${tsc.stdout}${tsc.stderr}`).toBe('')
    expect(tsc.status).toBe(0)
    await servesFromWorkers(process.execPath, [join('dist', 'main.js')], dir)
  }, 240_000)

  it('the TypeScript app unbuilt, node --import tsx main.ts: the workers load app.ts too', async () => {
    await servesFromWorkers(process.execPath, ['--import', 'tsx', 'main.ts'], join(app, 'typescript'))
  }, 120_000)
})
