/**
 * Sync-API tripwires (blockbuster's idea, for Node): wrap the synchronous APIs that block —
 * `fs.*Sync`, `child_process.*Sync`, `zlib.*Sync`, the crypto key-derivation and random-fill
 * calls, `Atomics.wait` — so that a call made on the event loop while a handler runs there is
 * reported with its call site, or refused. Installed on the main thread only: pool workers keep
 * the originals, because blocking is what they are for. A wrapper costs one counter check per
 * call of those (already slow) APIs and nothing anywhere else.
 */
import childProcess from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { isMainThread } from 'node:worker_threads'
import zlib from 'node:zlib'

export type TripwireMode = 'off' | 'warn' | 'throw'

export interface TripwireHost {
  /** Whether handler code may be running on the loop right now (a loop-side request is in flight). */
  active(): boolean
  /** Decide and report; throw to refuse the call. Called with the stack at the call. */
  tripped(api: string, stack: string): void
  /** The call finished after `ms`. */
  finished?(api: string, ms: number): void
}

type Fn = (...args: unknown[]) => unknown
type Target = { name: string; obj: Record<string, unknown>; keys: string[] }

/**
 * Left alone on purpose: `fs.writeSync`/`fs.fsyncSync` are how loggers (pino, console on files)
 * write to stdout and files; reporting them would report the report.
 */
const EXEMPT = new Set(['writeSync', 'fsyncSync'])

function targets(): Target[] {
  const syncKeys = (o: object) => Object.keys(o).filter((k) => k.endsWith('Sync') && !EXEMPT.has(k) && typeof (o as Record<string, unknown>)[k] === 'function')
  return [
    { name: 'fs', obj: fs as unknown as Record<string, unknown>, keys: syncKeys(fs) },
    { name: 'child_process', obj: childProcess as unknown as Record<string, unknown>, keys: ['execSync', 'execFileSync', 'spawnSync'] },
    { name: 'zlib', obj: zlib as unknown as Record<string, unknown>, keys: syncKeys(zlib) },
    {
      name: 'crypto',
      obj: crypto as unknown as Record<string, unknown>,
      keys: ['pbkdf2Sync', 'scryptSync', 'hkdfSync', 'randomFillSync', 'generateKeyPairSync', 'generatePrimeSync'].filter((k) => typeof (crypto as unknown as Record<string, unknown>)[k] === 'function'),
    },
    { name: 'Atomics', obj: Atomics as unknown as Record<string, unknown>, keys: ['wait'] },
  ]
}

const hosts = new Set<TripwireHost>()
const originals = new Map<string, { obj: Record<string, unknown>; key: string; fn: Fn }>()
/** Set while a wrapped API runs, so its own nested calls (readFileSync → openSync) and the
 * reporting itself are not reported again. */
let reentrant = false

function wrap(api: string, original: Fn): Fn {
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    if (reentrant || hosts.size === 0) return original.apply(this, args)
    let watching: TripwireHost[] | undefined
    for (const h of hosts) if (h.active()) (watching ??= []).push(h)
    if (watching === undefined) return original.apply(this, args)
    reentrant = true
    const t0 = performance.now()
    try {
      const stack = new Error().stack ?? ''
      for (const h of watching) h.tripped(api, stack)
      return original.apply(this, args)
    } finally {
      const ms = performance.now() - t0
      reentrant = false
      for (const h of watching) h.finished?.(api, ms)
    }
  }
  Object.defineProperty(wrapped, 'name', { value: original.name })
  return wrapped
}

function patch(): void {
  for (const t of targets()) {
    for (const key of t.keys) {
      const fn = t.obj[key] as Fn
      const api = `${t.name}.${key}`
      originals.set(api, { obj: t.obj, key, fn })
      t.obj[key] = wrap(api, fn)
    }
  }
  syncBuiltinESMExports() // so `import { readFileSync } from 'node:fs'` sees the wrapper too
}

function unpatch(): void {
  for (const { obj, key, fn } of originals.values()) obj[key] = fn
  originals.clear()
  syncBuiltinESMExports()
}

/** Watch with `host` until the returned function is called. No-op off the main thread. */
export function installTripwires(host: TripwireHost): () => void {
  if (!isMainThread) return () => {}
  if (hosts.size === 0) patch()
  hosts.add(host)
  return () => {
    if (hosts.delete(host) && hosts.size === 0) unpatch()
  }
}

/** The APIs that are wrapped (for documentation and tests). */
export function wrappedApis(): string[] {
  return targets().flatMap((t) => t.keys.map((k) => `${t.name}.${k}`))
}
