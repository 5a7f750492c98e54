/** Render a bench run into its folder: index.html, summary.md, conformance.junit.xml. */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BenchResults } from '../harness/results/schema.ts'
import { RENDERERS } from './reporter.ts'

export async function renderAll(results: BenchResults, dir: string, names: readonly string[] = Object.keys(RENDERERS)): Promise<string[]> {
  const written: string[] = []
  for (const name of names) {
    const load = RENDERERS[name]
    if (load === undefined) throw new Error(`unknown renderer ${name}`)
    const renderer = await load()
    for (const file of await renderer.render(results)) {
      const path = join(dir, file.name)
      await writeFile(path, file.content)
      written.push(path)
    }
  }
  return written
}
