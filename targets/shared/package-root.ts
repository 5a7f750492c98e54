/**
 * The unblocked package's root folder (where its package.json is). Found by walking up from this
 * module, because it runs from two depths: `<root>/targets/shared/` in a checkout's sources and
 * `<root>/dist/targets/shared/` in the build.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findRoot(from: string): string {
  for (let dir = from; ; ) {
    const file = join(dir, 'package.json')
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'unblocked') return dir
    const up = dirname(dir)
    if (up === dir) throw new Error(`no unblocked package.json above ${from}`)
    dir = up
  }
}

export const PACKAGE_ROOT: string = findRoot(dirname(fileURLToPath(import.meta.url)))
