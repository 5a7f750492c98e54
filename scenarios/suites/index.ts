/** Every case, in run order. Blocking cases run last: they load the target the hardest. */
import type { CaseDef } from '../types.ts'
import { backgroundCases } from './background.ts'
import { blockingCases } from './blocking.ts'
import { cancellationCases } from './cancellation.ts'
import { coercionCases } from './coercion.ts'
import { contextCases } from './context.ts'
import { errorsCases } from './errors.ts'
import { extractionCases } from './extraction.ts'
import { threadSafetyCases } from './thread-safety.ts'

export const ALL_CASES: readonly CaseDef[] = [
  ...coercionCases,
  ...extractionCases,
  ...errorsCases,
  ...threadSafetyCases,
  ...contextCases,
  ...backgroundCases,
  ...cancellationCases,
  ...blockingCases,
]
