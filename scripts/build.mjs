#!/usr/bin/env node
// Builds the package's JavaScript into dist/: tsc emits every source module (tsconfig.build.json),
// then the plain-JavaScript files that processes and workers load by path (entries, worker
// scripts, the report's page scripts) are copied beside them, in the same layout.
//
//   node scripts/build.mjs             incremental build
//   node scripts/build.mjs --clean     remove dist/ first (what `npm pack` uses)
//   node scripts/build.mjs --if-stale  build only when a source is newer than the last build
//
// Written by hand because it is two steps: tsc has no option to copy non-TypeScript files.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const dist = join(root, 'dist')
const stamp = join(dist, '.built')
const SOURCES = ['impl', 'harness', 'scenarios', 'reports', 'targets']
const CONFIG = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs']
// loader-probe.ts stays TypeScript: load-module.mjs imports it to learn whether a loader is there.
const ASSET = /(\.(mjs|js)|loader-probe\.ts)$/
const isTest = (name) => /\.test\.[cm]?[jt]s$/.test(name)

/** Every file under the source folders, skipping generated output (reports/out). */
function* sourceFiles(dir = root, top = true) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (top && !SOURCES.includes(entry.name)) continue
    if (entry.isDirectory()) {
      if (relative(root, path) === join('reports', 'out')) continue
      yield* sourceFiles(path, false)
    } else if (!isTest(entry.name)) yield path
  }
}

function stale() {
  if (!existsSync(stamp)) return true
  const built = statSync(stamp).mtimeMs
  for (const f of CONFIG) if (statSync(join(root, f)).mtimeMs > built) return true
  for (const f of sourceFiles()) if (statSync(f).mtimeMs > built) return true
  return false
}

const args = new Set(process.argv.slice(2))
if (args.has('--if-stale') && !stale()) process.exit(0)
if (args.has('--clean')) rmSync(dist, { recursive: true, force: true })

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
// tsc's own output goes to stderr: stdout may be a caller's JSON (npm pack --json runs this first).
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: ['ignore', process.stderr, 'inherit'] })
if (r.status !== 0) {
  console.error(`build: tsc failed (exit ${r.status ?? r.signal})`)
  process.exit(1)
}
let copied = 0
for (const f of sourceFiles()) {
  if (!ASSET.test(f)) continue
  cpSync(f, join(dist, relative(root, f)))
  copied++
}
writeFileSync(stamp, `${new Date().toISOString()}\n`)
console.error(`build: dist/ written (tsc, and ${copied} plain JavaScript files copied)`)
