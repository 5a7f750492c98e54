/**
 * Every case, in run order. Blocking cases run late: they load the target the hardest. The
 * invasive suite runs last: a failure there can wedge the target for the cases after it.
 */
import type { CaseDef } from '../types.ts'
import { backgroundCases } from './background.ts'
import { blockingCases } from './blocking.ts'
import { cancellationCases } from './cancellation.ts'
import { capacityCases } from './capacity.ts'
import { coercionCases } from './coercion.ts'
import { contextCases } from './context.ts'
import { depsCases } from './deps.ts'
import { errorsCases } from './errors.ts'
import { extractionCases } from './extraction.ts'
import { resourcesCases } from './resources.ts'
import { streamingCases } from './streaming.ts'
import { threadSafetyCases } from './thread-safety.ts'

export const ALL_CASES: readonly CaseDef[] = [
  ...coercionCases,
  ...extractionCases,
  ...errorsCases,
  ...threadSafetyCases,
  ...depsCases,
  ...contextCases,
  ...backgroundCases,
  ...streamingCases,
  ...cancellationCases,
  ...capacityCases,
  ...blockingCases,
  // Last, always: see above.
  ...resourcesCases,
]
