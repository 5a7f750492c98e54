// Loads a sibling module of an entry file (a child process's or a worker's), built or not.
// Plain JavaScript on purpose: entries are what `fork` and piscina load, before any loader.
//
// From the package (dist/) the built `.js` sibling is there and loads as it is. From a checkout's
// sources (vitest, development) only the `.ts` exists, and a fresh process or worker has no
// TypeScript loader unless its parent passed one in execArgv: then tsx's hooks are registered
// first. tsx is a development dependency, so the package never needs it.
import { existsSync } from 'node:fs'

/**
 * Whether this thread can already import TypeScript with decorators and enums (a loader came with
 * execArgv, `--import tsx`): a probe module is imported under a fresh query string, because Node
 * caches a module's failed load and the real module must not be the one that fails.
 */
async function canLoadTypeScript() {
  const probe = new URL('./loader-probe.ts', import.meta.url)
  probe.search = `?probe=${process.hrtime.bigint()}`
  try {
    await import(probe.href)
    return true
  } catch {
    // ERR_UNKNOWN_FILE_EXTENSION (no loader), ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX or a SyntaxError
    // (a loader that only strips types): the probe has no other way to fail.
    return false
  }
}

/** True when `url` is a TypeScript module. */
export function isTypeScript(url) {
  return /\.[cm]?tsx?$/.test(new URL(url).pathname)
}

let registered = false

/**
 * Registers tsx's loader hooks in this thread unless it can load TypeScript already. Returns false
 * when tsx is not installed (the import then fails with Node's own error, which
 * `explainTypeScriptError` completes; an app of erasable TypeScript may still load on Node ≥ 22.18).
 */
export async function ensureTypeScriptLoader() {
  if (registered || (await canLoadTypeScript())) return true
  try {
    const { register } = await import('tsx/esm/api')
    register()
    registered = true
    return true
  } catch (err) {
    if (err?.code === 'ERR_MODULE_NOT_FOUND') return false
    throw err
  }
}

/** Adds what to do to Node's error for a TypeScript module it could not load. */
export function explainTypeScriptError(err, url) {
  if (err?.code !== 'ERR_UNKNOWN_FILE_EXTENSION' && err?.code !== 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX') return err
  return new Error(
    `${new URL(url).pathname} is TypeScript and this thread has no TypeScript loader: start node with ` +
      '`--import tsx` (npm install --save-dev tsx), or build the app with tsc and run its JavaScript',
    { cause: err },
  )
}

/** Imports `<stem>.js` beside `base` when it exists (the build), else `<stem>.ts` (the sources). */
export async function importSibling(base, stem) {
  const built = new URL(`${stem}.js`, base)
  if (existsSync(built)) return import(built.href)
  const source = new URL(`${stem}.ts`, base)
  await ensureTypeScriptLoader()
  try {
    return await import(source.href)
  } catch (err) {
    throw explainTypeScriptError(err, source.href)
  }
}
