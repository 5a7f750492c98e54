/**
 * One interface for every renderer of a bench run (vitest's reporters pattern): each reads only
 * results.json's content and returns the files it produces; nothing else is written. Renderers
 * and the registry (reporter.ts) both import this file, so neither imports the other's module.
 */
import type { BenchResults } from '../harness/results/schema.ts'

export interface RenderedFile {
  readonly name: string
  readonly content: string
}

export interface Renderer {
  readonly name: string
  render(results: BenchResults): RenderedFile[] | Promise<RenderedFile[]>
}
