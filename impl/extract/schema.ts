/**
 * Validation through the Standard Schema interface, so zod (used by the reference target),
 * valibot or ArkType schemas all work with the same extractors.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { type FieldIssue, UnblockedError, validationError } from '../errors.ts'

export type Schema<Out = unknown> = StandardSchemaV1<unknown, Out>
export type Infer<S> = S extends StandardSchemaV1<unknown, infer O> ? O : never

export type Validated<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] }

function fieldOf(prefix: string, path: StandardSchemaV1.Issue['path']): string {
  const parts: string[] = prefix ? [prefix] : []
  for (const seg of path ?? []) {
    const key = typeof seg === 'object' && seg !== null ? seg.key : seg
    parts.push(String(key))
  }
  return parts.join('.')
}

/**
 * Validate synchronously. Extraction runs on the hot path of every request, so async schemas
 * (refinements that return promises) are rejected at the first use rather than silently awaited.
 */
export function validate<T>(schema: Schema<T>, value: unknown, location: string, field: string): Validated<T> {
  const result = schema['~standard'].validate(value)
  if (result instanceof Promise) {
    throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [
      `the schema for ${location} ${field || '(body)'} is asynchronous; extractors need synchronous schemas`,
    ])
  }
  if (result.issues === undefined) return { ok: true, value: result.value }
  return {
    ok: false,
    issues: result.issues.map((issue) => ({ location, field: fieldOf(field, issue.path), problem: issue.message })),
  }
}

/** Validate, throwing the 422 `HttpError` on failure. */
export function validateOrThrow<T>(schema: Schema<T>, value: unknown, location: string, field: string): T {
  const r = validate(schema, value, location, field)
  if (!r.ok) throw validationError(r.issues)
  return r.value
}
