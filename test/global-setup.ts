/**
 * Tests that start the CLI (`bin/unblocked.mjs`) run the built JavaScript in dist/: build it
 * first when a source is newer than the last build, so a test never runs stale code.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export default function setup(): void {
  const build = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))
  const r = spawnSync(process.execPath, [build, '--if-stale'], { stdio: 'inherit', timeout: 300_000 })
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status ?? r.signal}): the tests need dist/`)
}
