/**
 * Reading a results.json back: validated against the schema (never cast), with an error that
 * names the version it cannot read, or the first problems found and where they are.
 */
import type { z } from 'zod'
import { ResultsSchema, SCHEMA_VERSION, type BenchResults } from './schema.ts'

/** How many problems a message lists before "and N more". */
const SHOWN = 5

export class ResultsFileError extends Error {
  override readonly name = 'ResultsFileError'
  constructor(
    message: string,
    /** Each problem as "at <path>: <what>", all of them (the message shows the first few). */
    readonly problems: readonly string[] = [],
  ) {
    super(message)
  }
}

/** `cells[3].trials[0].rps` from zod's path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`
  return out === '' ? '(the top level)' : out
}

/** One line per issue: "at cells[0].state: Invalid discriminator value. Expected 'ok' | …". */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `at ${formatPath(i.path)}: ${i.message}`)
}

export function listProblems(problems: readonly string[]): string {
  const more = problems.length - SHOWN
  return `${problems.slice(0, SHOWN).join('; ')}${more > 0 ? `; and ${more} more` : ''}`
}

/**
 * A results.json's parsed JSON, validated. Throws ResultsFileError naming the schemaVersion when
 * it is not the one this unblocked reads, or the first problems (with their paths) when the file
 * does not match it. `source` names the file in messages.
 */
export function parseResults(json: unknown, source = 'results.json'): BenchResults {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ResultsFileError(`${source} is not an unblocked results.json: expected a JSON object, got ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}`)
  }
  const version = (json as { schemaVersion?: unknown }).schemaVersion
  if (version === undefined) throw new ResultsFileError(`${source} is not an unblocked results.json: it has no schemaVersion (this unblocked reads schemaVersion ${SCHEMA_VERSION})`)
  if (version !== SCHEMA_VERSION) {
    const why =
      typeof version === 'number' && version < SCHEMA_VERSION
        ? 'an older unblocked wrote it: render it with that version, or run the bench again'
        : typeof version === 'number'
          ? 'a newer unblocked wrote it: render it with that version'
          : 'schemaVersion must be a number'
    throw new ResultsFileError(`${source} has schemaVersion ${JSON.stringify(version)}; this unblocked reads schemaVersion ${SCHEMA_VERSION} (${why})`)
  }
  const parsed = ResultsSchema.safeParse(json)
  if (!parsed.success) {
    const problems = describeIssues(parsed.error)
    throw new ResultsFileError(`${source} does not match results.json schemaVersion ${SCHEMA_VERSION}: ${listProblems(problems)}`, problems)
  }
  return parsed.data
}
