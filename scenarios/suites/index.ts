/** Every case, in run order. Blocking cases run last: they load the target the hardest. */
import type { CaseDef } from '../types.ts'
import { blockingCases } from './blocking.ts'
import { coercionCases } from './coercion.ts'
import { errorsCases } from './errors.ts'
import { extractionCases } from './extraction.ts'
import { threadSafetyCases } from './thread-safety.ts'

export const ALL_CASES: readonly CaseDef[] = [...coercionCases, ...extractionCases, ...errorsCases, ...threadSafetyCases, ...blockingCases]
