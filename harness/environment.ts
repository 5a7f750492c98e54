/** The facts about the machine and software that every result records. */
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import { projectVersion } from '../targets/shared/package-version.ts'
import { PACKAGE_ROOT } from '../targets/shared/package-root.ts'

// Moved to targets/ (targets report their framework versions without importing the harness).
export { packageVersion } from '../targets/shared/package-version.ts'

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
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PACKAGE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

export function environment(): Environment {
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    osRelease: os.release(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    unblocked: projectVersion(),
    gitCommit: gitCommit(),
    hostname: os.hostname(),
  }
}
