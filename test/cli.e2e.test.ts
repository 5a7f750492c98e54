/** CLI conventions that do not depend on a target. */
import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { runCli } from './cli.ts'

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version

it.each([['--version'], ['-V']])('%s prints the package version and exits 0', async (flag) => {
  const run = await runCli([flag], 30_000)
  expect(run.code).toBe(0)
  expect(run.stdout.trim()).toBe(version)
})
