/**
 * The base build for `unblocked bench --baseline <git-ref|dir>`: its targets run in the same run
 * as the head's, trials alternated, so a comparison of the two builds compares moments seconds
 * apart on the same machine instead of two runs minutes or days apart.
 *
 * A directory is used as it is (it must be an unblocked checkout with its dependencies). A git
 * ref of the head's repository is checked out with `git worktree add --detach` in a temporary
 * directory, removed when the run ends — also when it fails, and, synchronously, when the
 * process exits first (a second Ctrl-C). Its `node_modules` is a symlink to the head's: the base
 * runs with the head's dependencies, so the comparison is of this project's code alone, and a
 * base whose package.json asks for other versions is warned about.
 */
import { execFile, execFileSync } from 'node:child_process'
import { existsSync, rmSync, statSync } from 'node:fs'
import { mkdtemp, readFile, realpath, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { PACKAGE_ROOT } from '../../targets/shared/package-root.ts'
import type { BaselineBuild } from './plan.ts'

const run = promisify(execFile)

/** The head build's checkout: where this module runs from. */
const HEAD_ROOT = PACKAGE_ROOT

/** The base cannot be had: an unknown ref, a directory that is no unblocked checkout, a git failure. */
export class BaselineError extends Error {
  override readonly name = 'BaselineError'
}

export interface Baseline extends BaselineBuild {
  /** The checkout the base runs from. */
  readonly dir: string
  /** What the user should know before trusting the comparison (dependencies that differ). */
  readonly warnings: readonly string[]
  /** Removes a checkout made for a git ref; nothing for a directory. Safe to call twice. */
  close(): Promise<void>
}

const git = async (cwd: string, args: readonly string[]): Promise<string> => (await run('git', ['-C', cwd, ...args], { timeout: 60_000 })).stdout.trim()

type Deps = Readonly<Record<string, string>>

async function dependencies(root: string): Promise<Deps | undefined> {
  try {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { dependencies?: Deps; optionalDependencies?: Deps }
    return { ...pkg.dependencies, ...pkg.optionalDependencies }
  } catch {
    return undefined
  }
}

/** One line per dependency the base asks for differently from the head. */
export async function dependencyWarnings(baseRoot: string, headRoot: string): Promise<string[]> {
  const [base, head] = await Promise.all([dependencies(baseRoot), dependencies(headRoot)])
  if (base === undefined || head === undefined) return []
  const names = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort()
  const differ = names.filter((n) => base[n] !== head[n]).map((n) => `${n} ${base[n] ?? '(none)'} where the head has ${head[n] ?? '(none)'}`)
  return differ.length === 0 ? [] : [`the base build's package.json asks for ${differ.join(', ')}; it runs with the head's node_modules`]
}

/**
 * A checkout whose package.json has a `build` script runs built JavaScript (dist/): build it
 * when dist/ is not there. Checkouts from before the build ran their sources through tsx.
 */
async function buildIfNeeded(dir: string, what: string): Promise<void> {
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }
  if (pkg.scripts?.build === undefined || existsSync(join(dir, 'dist'))) return
  try {
    await run('npm', ['run', '--silent', 'build'], { cwd: dir, timeout: 300_000 })
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string }
    const detail = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n').slice(-3).join(' | ') || e.message.split('\n')[0]
    throw new BaselineError(`${what}: npm run build failed: ${detail}`)
  }
}

function binOf(dir: string, what: string): string {
  const bin = join(dir, 'bin', 'unblocked.mjs')
  if (!existsSync(bin)) throw new BaselineError(`${what} has no bin/unblocked.mjs: not an unblocked checkout`)
  return bin
}

/**
 * The base build named by `spec`: an existing directory, else a git ref (branch, tag, commit,
 * `HEAD~3`) of `headRoot`'s repository.
 */
export async function prepareBaseline(spec: string, headRoot: string = HEAD_ROOT): Promise<Baseline> {
  const asDir = resolve(spec)
  if (existsSync(asDir) && statSync(asDir).isDirectory()) {
    const bin = binOf(asDir, asDir)
    const commit = await git(asDir, ['rev-parse', '--short=10', 'HEAD']).catch(() => undefined)
    const warnings = await dependencyWarnings(asDir, headRoot)
    await buildIfNeeded(asDir, asDir)
    if (!existsSync(join(asDir, 'node_modules'))) warnings.push(`${asDir} has no node_modules: its targets may fail to start (install its dependencies, or give a git ref to run it with the head's)`)
    return { dir: asDir, bin, label: commit === undefined ? asDir : `${asDir} (${commit})`, warnings, close: async () => {} }
  }
  let sha: string
  try {
    sha = await git(headRoot, ['rev-parse', '--verify', '--quiet', `${spec}^{commit}`])
  } catch {
    throw new BaselineError(`--baseline ${spec}: neither a directory nor a commit of the git repository at ${headRoot}`)
  }
  // A fresh parent, and the checkout a path inside it that does not exist yet: git makes it.
  const parent = await mkdtemp(join(tmpdir(), 'unblocked-base-'))
  const dir = join(parent, 'checkout')
  let closed = false
  const removeSync = (): void => {
    if (closed) return
    closed = true
    try {
      execFileSync('git', ['-C', headRoot, 'worktree', 'remove', '--force', dir], { stdio: 'ignore', timeout: 30_000 })
    } catch {
      // The checkout may never have been made; the directory goes below either way.
    }
    try {
      execFileSync('git', ['-C', headRoot, 'worktree', 'prune'], { stdio: 'ignore', timeout: 30_000 })
    } catch {
      // Nothing registered to prune.
    }
    rmSync(parent, { recursive: true, force: true })
  }
  const onExit = (): void => removeSync()
  process.once('exit', onExit)
  const close = async (): Promise<void> => {
    process.off('exit', onExit)
    if (closed) return
    closed = true
    await git(headRoot, ['worktree', 'remove', '--force', dir]).catch(() => undefined)
    await git(headRoot, ['worktree', 'prune']).catch(() => undefined)
    await rm(parent, { recursive: true, force: true })
  }
  try {
    await git(headRoot, ['worktree', 'add', '--detach', dir, sha])
    const bin = binOf(dir, `${spec} (${sha.slice(0, 10)})`)
    const modules = join(headRoot, 'node_modules')
    if (existsSync(modules) && !existsSync(join(dir, 'node_modules'))) await symlink(await realpath(modules), join(dir, 'node_modules'), 'dir')
    await buildIfNeeded(dir, `${spec} (${sha.slice(0, 10)})`)
    return { dir, bin, label: `${spec} (${sha.slice(0, 10)})`, warnings: await dependencyWarnings(dir, headRoot), close }
  } catch (err) {
    await close()
    if (err instanceof BaselineError) throw err
    throw new BaselineError(`--baseline ${spec}: could not check it out in ${dirname(dir)}: ${(err as Error).message.split('\n')[0]}`)
  }
}
