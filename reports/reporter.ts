/**
 * The renderers of a bench run by name (see renderer.ts for the interface). The HTML renderer is
 * heavy (it inlines chart.js), so every renderer is loaded only when asked for.
 */
import type { Renderer } from './renderer.ts'

export const RENDERERS: Record<string, () => Promise<Renderer>> = {
  html: async () => (await import('./bench/html.ts')).htmlRenderer,
  markdown: async () => (await import('./bench/markdown.ts')).markdownRenderer,
  junit: async () => (await import('./bench/junit.ts')).junitRenderer,
}
