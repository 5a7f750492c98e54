/**
 * The reference target: the conformance contract (scenarios/contract-v1.md) implemented with the
 * framework the way a user would. `unblocked serve reference` starts it.
 */
import { defineApp } from '../../impl/index.ts'
import { BlockController, CpuController } from './controllers/block.ts'
import { CoerceAsync, CoerceSync } from './controllers/coerce.ts'
import { CounterController } from './controllers/counter.ts'
import { ExtractAsync, ExtractSync } from './controllers/extract.ts'
import { ErrorController, MiscController } from './controllers/misc.ts'
import { ScopeAsync, ScopeSync } from './controllers/scope.ts'

export default defineApp({
  module: import.meta.url,
  controllers: [
    MiscController,
    CoerceSync,
    CoerceAsync,
    ExtractSync,
    ExtractAsync,
    CounterController,
    ScopeSync,
    ScopeAsync,
    BlockController,
    CpuController,
    ErrorController,
  ],
})
