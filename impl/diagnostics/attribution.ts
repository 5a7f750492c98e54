/**
 * Naming the handler behind a block from a stack: V8 prints handler frames as
 * `Controller.method` (esbuild's decorator lowering may prefix the class with `_`), static
 * handlers by their function name alone.
 */
import type { CompiledRoute } from '../routing/compile.ts'
import type { StackFrame } from './events.ts'
import { projectRelative } from './project-paths.ts'

const normalize = (cls: string | undefined): string => (cls ?? '').replace(/^_+/, '')

export class HandlerIndex {
  readonly #byId = new Map<string, CompiledRoute>()
  readonly #staticByName = new Map<string, CompiledRoute>()

  constructor(routes: readonly CompiledRoute[]) {
    for (const r of routes) {
      if (r.kind === 'sync') continue // runs in workers: never the loop's culprit
      this.#byId.set(r.id, r)
      if (r.isStatic) this.#staticByName.set(r.fn.name, r)
    }
  }

  /** The first handler frame in a CDP call stack (innermost first). */
  fromFrames(frames: readonly StackFrame[]): CompiledRoute | undefined {
    for (const f of frames) {
      const hit = this.#byId.get(`${normalize(f.cls)}.${f.fn}`) ?? (f.cls === 'Function' ? this.#staticByName.get(f.fn) : undefined)
      if (hit !== undefined) return hit
    }
    return undefined
  }

  /** The first handler frame in an `Error.stack` string. */
  fromStack(stack: string): CompiledRoute | undefined {
    for (const m of stack.matchAll(/^\s+at (?:async )?(?:([\w$]+)\.)?([\w$]+) \(/gm)) {
      const [, cls, fn] = m
      const hit = (cls !== undefined ? this.#byId.get(`${normalize(cls)}.${fn}`) : undefined) ?? (cls === 'Function' || cls === undefined ? this.#staticByName.get(fn as string) : undefined)
      if (hit !== undefined) return hit
    }
    return undefined
  }
}

/** `Error.stack` without its first line and without the tripwire's own frames, paths project-relative. */
export function callSite(stack: string): string[] {
  return stack
    .split('\n')
    .slice(1)
    .map((l) => l.trim().replace(/^at /, ''))
    .filter((l) => !l.includes('/impl/diagnostics/tripwires.'))
    .slice(0, 12)
    .map((l) => projectRelative(l))
}
