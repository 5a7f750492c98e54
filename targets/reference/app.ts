/**
 * The reference target: the conformance contract (scenarios/contract-v1.md) implemented with the
 * framework the way a user would. `unblocked serve reference` starts it. About half of its
 * controllers are decorated classes and half are declared with `defineController` (misc, counter,
 * extract, scope, stream, work), so the conformance suites run against both forms.
 */
import { defineApp } from '../../impl/index.ts'
import { BlockController, CpuController } from './controllers/block.ts'
import { CoerceAsync, CoerceSync } from './controllers/coerce.ts'
import { CounterController } from './controllers/counter.ts'
import { ExtractAsync, ExtractSync } from './controllers/extract.ts'
import { ErrorController, MiscController } from './controllers/misc.ts'
import { ScopeAsync, ScopeSync } from './controllers/scope.ts'
import { StreamController } from './controllers/stream.ts'
import { BackgroundController, ContextController, DependencyErrorController, DepsController, requestId, ResourcesController } from './controllers/v2.ts'
import { WorkController } from './controllers/work.ts'

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
    DepsController,
    StreamController,
    ResourcesController,
    DependencyErrorController,
    ContextController,
    BackgroundController,
    WorkController,
  ],
  // Every request's id goes into its context, where any handler or dependency reads it, in any thread.
  onRequest: [
    (req) => {
      const id = req.headers['x-request-id']
      if (typeof id === 'string') requestId.set(id)
    },
  ],
})
