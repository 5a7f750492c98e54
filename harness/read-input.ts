/**
 * Files named on the command line (`report <results.json>`, `matrix <report.json...>`,
 * `check-report <index.html>`): every way one can be unusable is a catalogued one-line error
 * naming the file (cli-error.ts), never Node's own message with a stack.
 */
import { readFile, stat } from 'node:fs/promises'
import { CliError } from './cli-error.ts'

/** Node's error for a file, in the words a user needs. */
function failure(path: string, err: unknown): CliError {
  const code = (err as { code?: string }).code
  if (code === 'ENOENT' || code === 'ENOTDIR') return new CliError('UNB_ERR_CLI_NO_SUCH_FILE', [path], { cause: err })
  const why = code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : err instanceof Error ? err.message : String(err)
  return new CliError('UNB_ERR_CLI_FILE_UNREADABLE', [path, why], { cause: err })
}

/** The file must exist and be a file (a tool that opens it by itself is handed its path). */
export async function requireFile(path: string): Promise<void> {
  let isFile: boolean
  try {
    isFile = (await stat(path)).isFile()
  } catch (err) {
    throw failure(path, err)
  }
  if (!isFile) throw new CliError('UNB_ERR_CLI_FILE_UNREADABLE', [path, 'it is not a file'])
}

export async function readInput(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    throw failure(path, err)
  }
}

/** The file's JSON: an unparseable one is UNB_ERR_CLI_FILE_UNREADABLE "cannot read X: not JSON (…)". */
export async function readJsonInput(path: string): Promise<unknown> {
  const text = await readInput(path)
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    const why = text.trim() === '' ? 'it is empty' : `not JSON (${(err as Error).message})`
    throw new CliError('UNB_ERR_CLI_FILE_UNREADABLE', [path, why], { cause: err })
  }
}
