/**
 * `@injectable()` — declares a class as a provider with a scope and its constructor dependencies.
 *
 * Dependencies are listed explicitly (`deps: [Repo]`) instead of read from
 * `emitDecoratorMetadata`, so the framework works with tsx, esbuild and vitest unchanged. The
 * decorator's type checks that the constructor accepts exactly those instances. Plain JavaScript
 * (no decorators) says the same with `defineInjectable(Class, options)`.
 */
import { UnblockedError } from '../errors.ts'

/** Lifetime of a provider's instances. */
export type Scope = 'singleton' | 'request' | 'transient'

/** A class used as an injection token. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- constructor parameter lists are contravariant
export type Token<T = unknown> = abstract new (...args: any[]) => T

export type InstanceTypes<D extends readonly Token[]> = { -readonly [K in keyof D]: D[K] extends Token<infer T> ? T : never }

export interface ProviderMeta {
  readonly scope: Scope
  readonly deps: readonly Token[]
}

export interface InjectableOptions<D extends readonly Token[]> {
  /**
   * `singleton`: one instance per thread (the loop and each worker have their own — see README,
   * "What is shared"); `request`: one per request, shared by every resolution within it;
   * `transient`: a new one at every resolution.
   * @default 'singleton'
   */
  scope?: Scope
  /** Constructor dependencies, in parameter order. @default [] */
  deps?: D
}

const providers = new WeakMap<Token, ProviderMeta>()

export function providerMeta(token: Token): ProviderMeta | undefined {
  return providers.get(token)
}

export function registerProvider(token: Token, meta: ProviderMeta): void {
  providers.set(token, meta)
}

const SCOPES: readonly Scope[] = ['singleton', 'request', 'transient']

/**
 * Declare a class as a provider without decorators (plain JavaScript): the same as
 * `@injectable(options)` on it. Returns the class.
 *
 * @example
 * export class TagStore { tag = '' }
 * defineInjectable(TagStore, { scope: 'request' })
 *
 * export class Counter { constructor(mem) { this.n = mem.int('n') } }
 * defineInjectable(Counter, { deps: [SharedMemory] })
 */
export function defineInjectable<C extends new (...args: InstanceTypes<D>) => object, const D extends readonly Token[] = []>(cls: C, options: InjectableOptions<D> = {}): C {
  const name = typeof cls === 'function' ? cls.name || '(anonymous class)' : String(cls)
  const invalid = (problem: string): UnblockedError => new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`defineInjectable(${name}): ${problem}`])
  if (typeof cls !== 'function') throw invalid('the provider must be a class')
  const scope = options.scope ?? 'singleton'
  if (!SCOPES.includes(scope)) throw invalid(`scope must be 'singleton', 'request' or 'transient', got ${String(scope)}`)
  const deps = options.deps ?? []
  if (!Array.isArray(deps) || !deps.every((d) => typeof d === 'function')) throw invalid('deps must be a list of classes')
  registerProvider(cls, { scope, deps })
  return cls
}

/**
 * @example
 * \@injectable({ scope: 'request' })
 * class TagStore { tag = '' }
 *
 * \@injectable({ deps: [SharedMemory] })
 * class Counter { constructor(mem: SharedMemory) { ... } }
 */
export function injectable<const D extends readonly Token[] = []>(options: InjectableOptions<D> = {}) {
  return <C extends new (...args: InstanceTypes<D>) => object>(target: C, _ctx: ClassDecoratorContext<C>): void => {
    defineInjectable<C, D>(target, options)
  }
}
