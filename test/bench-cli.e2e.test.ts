/** `unblocked bench`'s conventions as a user meets them, without running a bench: its help and its flags. */
import { expect, it } from 'vitest'
import { BENCH_EXIT_CODES } from '../harness/bench/exit-codes.ts'
import { runCli } from './cli.ts'

it('bench --help documents the profiles (what each verifies) and the exit codes, 99 for a requirement not met', async () => {
  const run = await runCli(['bench', '--help'], 30_000)
  expect(run.code).toBe(0)
  expect(run.stdout).toMatch(/^ {2}--spawn <name=command\.\.\.> +an external target/m)
  expect(run.stdout).not.toMatch(/--target </)
  expect(run.stdout).toMatch(/^Profiles:\n {2}\(default\) /m)
  expect(run.stdout).toMatch(/^ {2}--quick .*\n.*verifies each target first with coercion, extraction, errors, blocking$/m)
  expect(run.stdout).toMatch(/^Exit codes:$/m)
  for (const { code, meaning } of BENCH_EXIT_CODES) expect(run.stdout).toContain(`  ${String(code).padEnd(5)}${meaning}`)
})

it('bench --target (renamed --spawn) is a usage error: one line naming --spawn, exit 2, nothing run', async () => {
  const run = await runCli(['bench', '--target', 'mine=./server --port {port}'], 30_000)
  expect(run.code).toBe(2)
  expect(run.stdout).toBe('unblocked: bench --target is now --spawn name=<command> (--targets <list> still selects targets)\n')
})
