/**
 * The reports' module boundaries, checked statically over the source: reports read results.json
 * and nothing else of the harness (only the schema's types), and their modules import each
 * other without a circle.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const REPORTS = join(ROOT, 'reports')

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return e.name === 'out' || e.name === 'node_modules' ? [] : sources(path)
    return /\.(ts|js|mjs)$/.test(e.name) ? [path] : []
  })
}

/** Relative specifiers a file imports (static, re-exports, dynamic import()), resolved to repo paths. */
function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(ROOT, resolve(dirname(file), s)))
}

/** Every circle in `graph`, each as the path that closes it. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = []
  const done = new Set<string>()
  const visit = (node: string, path: string[]): void => {
    const at = path.indexOf(node)
    if (at >= 0) return void found.push([...path.slice(at), node])
    if (done.has(node)) return
    for (const next of graph.get(node) ?? []) visit(next, [...path, node])
    done.add(node)
  }
  for (const node of graph.keys()) visit(node, [])
  return found
}

const files = sources(REPORTS)
const graph = new Map(files.map((f) => [relative(ROOT, f), importsOf(f)]))

describe('reports import only the results schema from the harness', () => {
  it('no import from reports/ into harness/ other than harness/results/schema.ts', () => {
    const intoHarness = [...graph].flatMap(([file, deps]) => deps.filter((d) => d.startsWith('harness/') && d !== 'harness/results/schema.ts').map((d) => `${file} → ${d}`))
    expect(intoHarness).toEqual([])
  })

  it('the renderers do read the schema (the check above looks at real imports)', () => {
    expect(graph.get('reports/bench/html.ts')).toContain('harness/results/schema.ts')
    expect(graph.get('reports/reporter.ts')).toContain('reports/bench/html.ts') // a lazy import() counts
  })
})

describe('no import circle in reports', () => {
  it('the reports modules form no circle', () => {
    const local = new Map([...graph].map(([f, deps]) => [f, deps.filter((d) => graph.has(d))]))
    expect(cycles(local)).toEqual([])
  })

  it('the circle finder finds a circle, including one closed by a type-only or lazy import', () => {
    const text = "import type { R } from './renderer.ts'\nexport const x = () => import('./bench/html.ts')\n"
    expect(importsOf(join(REPORTS, 'reporter.ts'), text)).toEqual(['reports/renderer.ts', 'reports/bench/html.ts'])
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c', 'a']])
    expect(cycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toEqual([])
  })
})
