import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BaselineError, prepareBaseline } from './baseline.ts'

/** A throwaway git repository standing in for the head checkout: three commits, a node_modules. */
function repo(): string {
  const root = mkdtempSync(join(tmpdir(), 'unblocked-baseline-test-'))
  const g = (...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { stdio: 'pipe' }).toString().trim()
  g('init', '-q')
  writeFileSync(join(root, 'README'), 'not yet a checkout with a CLI\n')
  g('add', '.')
  g('commit', '-qm', 'before the CLI')
  g('tag', 'v-nobin')
  mkdirSync(join(root, 'bin'))
  writeFileSync(join(root, 'bin', 'unblocked.mjs'), '// base\n')
  writeFileSync(join(root, 'package.json'), JSON.stringify({ dependencies: { express: '^5.2.0' } }))
  writeFileSync(join(root, '.gitignore'), 'node_modules\n')
  g('add', '.')
  g('commit', '-qm', 'base')
  g('tag', 'v-base')
  writeFileSync(join(root, 'bin', 'unblocked.mjs'), '// head\n')
  writeFileSync(join(root, 'package.json'), JSON.stringify({ dependencies: { express: '^5.3.0' } }))
  g('commit', '-qam', 'head')
  mkdirSync(join(root, 'node_modules'))
  return root
}

const roots: string[] = []
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true })
})

describe('the base build of bench --baseline', () => {
  it('a git ref: checked out detached in a temporary worktree with the head\'s node_modules, warned about differing dependencies, removed on close', async () => {
    const root = repo()
    roots.push(root)
    const base = await prepareBaseline('v-base', root)
    try {
      expect(base.bin).toBe(join(base.dir, 'bin', 'unblocked.mjs'))
      expect(readFileSync(base.bin, 'utf8')).toBe('// base\n')
      expect(readlinkSync(join(base.dir, 'node_modules'))).toBe(realpathSync(join(root, 'node_modules')))
      expect(base.label).toMatch(/^v-base \([0-9a-f]{10}\)$/)
      expect(base.warnings).toEqual(["the base build's package.json asks for express ^5.2.0 where the head has ^5.3.0; it runs with the head's node_modules"])
      expect(execFileSync('git', ['-C', root, 'worktree', 'list']).toString()).toContain(base.dir)
    } finally {
      await base.close()
    }
    expect(existsSync(base.dir)).toBe(false)
    expect(execFileSync('git', ['-C', root, 'worktree', 'list']).toString()).not.toContain(base.dir)
    await base.close() // twice is harmless
  })

  it('a directory is used as it is, nothing made or removed', async () => {
    const root = repo()
    roots.push(root)
    const base = await prepareBaseline(root, root)
    expect(base).toMatchObject({ dir: root, bin: join(root, 'bin', 'unblocked.mjs'), warnings: [] })
    await base.close()
    expect(existsSync(base.bin)).toBe(true)
  })

  it('refused, naming what is wrong: an unknown ref, a directory that is no unblocked checkout', async () => {
    const root = repo()
    roots.push(root)
    await expect(prepareBaseline('no-such-ref', root)).rejects.toThrow(new BaselineError(`--baseline no-such-ref: neither a directory nor a commit of the git repository at ${root}`))
    const empty = mkdtempSync(join(tmpdir(), 'unblocked-baseline-empty-'))
    roots.push(empty)
    await expect(prepareBaseline(empty, root)).rejects.toThrow(`${empty} has no bin/unblocked.mjs: not an unblocked checkout`)
  })

  it('a ref checked out but unusable is refused, and its checkout removed', async () => {
    const root = repo()
    roots.push(root)
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('unblocked-base-')).length
    await expect(prepareBaseline('v-nobin', root)).rejects.toThrow(/^v-nobin \([0-9a-f]{10}\) has no bin\/unblocked\.mjs: not an unblocked checkout$/)
    expect(execFileSync('git', ['-C', root, 'worktree', 'list']).toString().trim().split('\n')).toHaveLength(1)
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('unblocked-base-')).length).toBe(before)
  })
})
