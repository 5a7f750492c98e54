/** The facts about the machine and software that every result records. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import { dirname, join } from 'node:path'

export interface Environment {
  readonly node: string
  readonly platform: string
  readonly arch: string
  readonly osRelease: string
  readonly cpuModel: string
  readonly cores: number
  readonly memoryBytes: number
  readonly unblocked: string
  readonly gitCommit: string | null
  readonly hostname: string
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: new URL('..', import.meta.url), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

export function environment(): Environment {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    osRelease: os.release(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    unblocked: pkg.version,
    gitCommit: gitCommit(),
    hostname: os.hostname(),
  }
}

/**
 * The installed version of a package, read from its package.json (found by walking up from the
 * resolved entry point, since not every package exports its package.json).
 */
export function packageVersion(name: string): string {
  const require = createRequire(import.meta.url)
  let dir = dirname(require.resolve(name))
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === name && pkg.version) return pkg.version
    } catch {
      // no package.json here
    }
    const up = dirname(dir)
    if (up === dir) return 'unknown'
    dir = up
  }
}
