/**
 * The dependency container: resolves providers by scope and enforces the scope rules once, at
 * app creation, so a misconfigured graph fails before the first request instead of during one.
 */
import { UnblockedError } from '../errors.ts'
import { providerMeta, type ProviderMeta, type Token } from './injectable.ts'

/** Per-request cache of request-scoped instances (and of `depends()` results). */
export type RequestScope = Map<unknown, unknown>

export class Container {
  readonly #values = new Map<Token, unknown>()
  readonly #singletons = new Map<Token, unknown>()
  /** Tokens validated so far, with whether resolving them needs a request scope. */
  readonly #needsRequest = new Map<Token, boolean>()

  /** Register a ready-made instance (a framework service such as `SharedMemory`). */
  provideValue<T>(token: Token<T>, value: T): this {
    this.#values.set(token, value)
    this.#needsRequest.set(token, false)
    return this
  }

  #meta(token: Token, requiredBy: string): ProviderMeta {
    const meta = providerMeta(token)
    if (meta === undefined) throw new UnblockedError('UNB_ERR_DI_NOT_INJECTABLE', [token.name, requiredBy])
    return meta
  }

  /**
   * Check `token` and everything it depends on: every class injectable, no cycles, and no
   * singleton that (directly or through transients) needs a request-scoped instance.
   * Returns whether resolving `token` needs a request scope.
   */
  validate(token: Token, requiredBy = 'the app'): boolean {
    return this.#validate(token, requiredBy, [])
  }

  #validate(token: Token, requiredBy: string, path: Token[]): boolean {
    const known = this.#needsRequest.get(token)
    if (known !== undefined) return known
    if (path.includes(token)) {
      throw new UnblockedError('UNB_ERR_DI_CYCLE', [[...path, token].map((t) => t.name).join(' -> ')])
    }
    const meta = this.#meta(token, requiredBy)
    let needs = meta.scope === 'request'
    for (const dep of meta.deps) {
      const depNeeds = this.#validate(dep, token.name, [...path, token])
      if (depNeeds && meta.scope === 'singleton') {
        const culprit = this.#firstRequestScoped(dep)
        throw new UnblockedError('UNB_ERR_DI_SCOPE_VIOLATION', [
          token.name,
          meta.scope,
          culprit.name,
          `${[...path, token].map((t) => t.name).join(' -> ')} -> ${dep.name}${dep === culprit ? '' : ' -> … -> ' + culprit.name}`,
        ])
      }
      needs ||= depNeeds
    }
    this.#needsRequest.set(token, needs)
    return needs
  }

  #firstRequestScoped(token: Token): Token {
    const meta = providerMeta(token)
    if (meta === undefined || meta.scope === 'request') return token
    for (const dep of meta.deps) if (this.#needsRequest.get(dep)) return this.#firstRequestScoped(dep)
    return token
  }

  /** Resolve an instance. Request-scoped providers need the current request's scope. */
  get<T>(token: Token<T>, scope?: RequestScope): T {
    if (this.#values.has(token)) return this.#values.get(token) as T
    const meta = this.#meta(token, 'a resolution')
    switch (meta.scope) {
      case 'singleton': {
        let instance = this.#singletons.get(token)
        if (instance === undefined) {
          if (!this.#needsRequest.has(token)) this.validate(token)
          instance = this.#construct(token, meta, undefined)
          this.#singletons.set(token, instance)
        }
        return instance as T
      }
      case 'request': {
        if (scope === undefined) throw new UnblockedError('UNB_ERR_DI_NO_REQUEST', [token.name])
        let instance = scope.get(token)
        if (instance === undefined) {
          instance = this.#construct(token, meta, scope)
          scope.set(token, instance)
        }
        return instance as T
      }
      case 'transient':
        return this.#construct(token, meta, scope) as T
    }
  }

  #construct(token: Token, meta: ProviderMeta, scope: RequestScope | undefined): unknown {
    const args = meta.deps.map((d) => this.get(d, scope))
    const Ctor = token as unknown as new (...a: unknown[]) => unknown
    return new Ctor(...args)
  }
}
