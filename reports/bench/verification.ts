/** What the renderers read of a target's verification (the conformance run before loading). */
import type { Conformance, Target, Verification } from '../../harness/results/schema.ts'

/** The target's verification; failed-to-start targets have none. */
export const verificationOf = (t: Target): Verification | undefined => (t.state === 'failed-to-start' ? undefined : t.verification)

/** The target's conformance report, when its verification completed. */
export function conformanceOf(t: Target): Conformance | undefined {
  const v = verificationOf(t)
  return v?.state === 'ok' ? v.conformance : undefined
}

/** MUST cases that failed or errored in verification, when it completed. */
export const mustFailuresOf = (t: Target): readonly string[] | undefined => {
  const v = verificationOf(t)
  return v?.state === 'ok' ? v.mustFailures : undefined
}
