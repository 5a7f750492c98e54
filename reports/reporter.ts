/**
 * One interface for every renderer of a bench run (vitest's reporters pattern): each reads only
 * results.json's content and returns the files it produces; nothing else is written. The HTML
 * renderer is heavy (it inlines chart.js) and is loaded only when asked for.
 */
import type { BenchResults } from '../harness/bench/results.ts'

export interface RenderedFile {
  readonly name: string
  readonly content: string
}

export interface Renderer {
  readonly name: string
  render(results: BenchResults): RenderedFile[] | Promise<RenderedFile[]>
}

export const RENDERERS: Record<string, () => Promise<Renderer>> = {
  html: async () => (await import('./bench/html.ts')).htmlRenderer,
  markdown: async () => (await import('./bench/markdown.ts')).markdownRenderer,
  junit: async () => (await import('./bench/junit.ts')).junitRenderer,
}
