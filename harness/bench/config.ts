/**
 * External targets: `--spawn name=<command with {port}>` on the command line ($PORT is set too, as
 * `conformance --spawn` does), or a `unblocked.config.json` / `unblocked.config.mjs` in the
 * working directory:
 *   { "targets": { "fastapi": { "command": "python3 -m uvicorn … --port {port}", "framework": "FastAPI 0.92" } } }
 * A plain string is the command.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { SettingsError } from './profiles.ts'

export interface ExternalTarget {
  readonly name: string
  readonly command: string
  readonly framework: string
}

const NAME = /^[a-z0-9][a-z0-9._-]*$/i

function parseEntry(name: string, v: unknown, where: string): ExternalTarget {
  if (!NAME.test(name)) throw new SettingsError(`${where}: target name "${name}" must be letters, digits, ".", "_" or "-"`)
  if (typeof v === 'string') return { name, command: v, framework: 'unknown (external)' }
  if (typeof v === 'object' && v !== null && typeof (v as { command?: unknown }).command === 'string') {
    const e = v as { command: string; framework?: unknown }
    return { name, command: e.command, framework: typeof e.framework === 'string' ? e.framework : 'unknown (external)' }
  }
  throw new SettingsError(`${where}: target "${name}" needs a command string or { "command": "…" }`)
}

export async function loadExternalTargets(flags: readonly string[], cwd = process.cwd()): Promise<ExternalTarget[]> {
  const out = new Map<string, ExternalTarget>()
  for (const file of ['unblocked.config.json', 'unblocked.config.mjs', 'unblocked.config.js']) {
    const path = join(cwd, file)
    if (!existsSync(path)) continue
    let config: unknown
    try {
      config = file.endsWith('.json') ? JSON.parse(readFileSync(path, 'utf8')) : ((await import(pathToFileURL(path).href)) as { default?: unknown }).default
    } catch (err) {
      throw new SettingsError(`${file}: ${(err as Error).message}`)
    }
    const targets = (config as { targets?: unknown } | undefined)?.targets
    if (typeof targets !== 'object' || targets === null) throw new SettingsError(`${file}: expected { "targets": { "<name>": "<command>" } }`)
    for (const [name, v] of Object.entries(targets)) out.set(name, parseEntry(name, v, file))
    break
  }
  for (const flag of flags) {
    const eq = flag.indexOf('=')
    if (eq <= 0) throw new SettingsError(`--spawn must be name=<command with {port}>, got "${flag}"`)
    const name = flag.slice(0, eq)
    out.set(name, parseEntry(name, flag.slice(eq + 1), '--spawn'))
  }
  for (const t of out.values()) {
    if (t.command.trim() === '') throw new SettingsError(`target "${t.name}" has an empty command`)
  }
  return [...out.values()]
}
