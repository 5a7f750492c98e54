import { describe, expect, it } from 'vitest'
import { Container } from './container.ts'
import { injectable } from './injectable.ts'
import { UnblockedError } from '../errors.ts'

@injectable() class Config { readonly url = 'db://' }
@injectable({ scope: 'request' }) class RequestState { readonly id = Math.random() }
@injectable({ scope: 'transient' }) class Fresh {}
@injectable({ deps: [Config] }) class Repo { constructor(readonly config: Config) {} }
@injectable({ scope: 'request', deps: [Repo, RequestState] }) class Unit { constructor(readonly repo: Repo, readonly state: RequestState) {} }
@injectable({ scope: 'transient', deps: [RequestState] }) class UsesRequest { constructor(readonly state: RequestState) {} }
@injectable({ deps: [RequestState] }) class BadSingleton { constructor(readonly s: RequestState) {} }
@injectable({ deps: [UsesRequest] }) class IndirectBad { constructor(readonly u: UsesRequest) {} }
class NotInjectable {}
@injectable({ deps: [NotInjectable] }) class NeedsPlain { constructor(readonly p: NotInjectable) {} }

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return (err as UnblockedError).code
  }
  return undefined
}

describe('Container scopes', () => {
  it('singleton: one instance, with constructor injection', () => {
    const c = new Container()
    const a = c.get(Repo)
    expect(a).toBe(c.get(Repo))
    expect(a.config).toBe(c.get(Config))
  })

  it('request: one instance per request scope, shared by every resolution within it', () => {
    const c = new Container()
    const s1 = new Map()
    const s2 = new Map()
    const u1 = c.get(Unit, s1)
    expect(c.get(Unit, s1)).toBe(u1)
    expect(u1.state).toBe(c.get(RequestState, s1))
    expect(c.get(Unit, s2)).not.toBe(u1)
    expect(c.get(Unit, s2).repo).toBe(u1.repo) // the singleton under it is shared
  })

  it('transient: a new instance at every resolution', () => {
    const c = new Container()
    expect(c.get(Fresh)).not.toBe(c.get(Fresh))
  })

  it('a transient that needs request state gets the current request instance', () => {
    const c = new Container()
    const scope = new Map()
    expect(c.get(UsesRequest, scope).state).toBe(c.get(RequestState, scope))
  })

  it('request-scoped outside a request → UNB_ERR_DI_NO_REQUEST', () => {
    expect(codeOf(() => new Container().get(RequestState))).toBe('UNB_ERR_DI_NO_REQUEST')
  })

  it('provideValue registers ready-made instances', () => {
    const cfg = new Config()
    expect(new Container().provideValue(Config, cfg).get(Config)).toBe(cfg)
  })
})

describe('Container validation (at app creation)', () => {
  it('a singleton depending on a request-scoped provider is rejected with the path', () => {
    const c = new Container()
    let err: UnblockedError | undefined
    try {
      c.validate(BadSingleton)
    } catch (e) {
      err = e as UnblockedError
    }
    expect(err?.code).toBe('UNB_ERR_DI_SCOPE_VIOLATION')
    expect(err?.message).toBe('BadSingleton (scope singleton) may not depend on RequestState, which is request-scoped: BadSingleton -> RequestState')
  })

  it('the rule holds through transients', () => {
    const c = new Container()
    expect(codeOf(() => c.validate(IndirectBad))).toBe('UNB_ERR_DI_SCOPE_VIOLATION')
    expect(codeOf(() => c.get(IndirectBad))).toBe('UNB_ERR_DI_SCOPE_VIOLATION')
  })

  it('an undecorated dependency → UNB_ERR_DI_NOT_INJECTABLE naming who needs it', () => {
    let err: UnblockedError | undefined
    try {
      new Container().validate(NeedsPlain)
    } catch (e) {
      err = e as UnblockedError
    }
    expect(err?.code).toBe('UNB_ERR_DI_NOT_INJECTABLE')
    expect(err?.message).toContain('NotInjectable is not injectable')
    expect(err?.message).toContain('NeedsPlain')
  })

  it('cycles → UNB_ERR_DI_CYCLE', () => {
    // Classes are hoisted as bindings, not values: build the cycle through a late-bound list.
    const deps: unknown[] = []
    @injectable({ deps: deps as [] }) class A {}
    @injectable({ deps: [A] }) class B { constructor(readonly a: A) {} }
    deps.push(B)
    let err: UnblockedError | undefined
    try {
      new Container().validate(A)
    } catch (e) {
      err = e as UnblockedError
    }
    expect(err?.code).toBe('UNB_ERR_DI_CYCLE')
    expect(err?.message).toBe('dependency cycle: A -> B -> A')
  })

  it('valid graphs report whether they need a request scope', () => {
    const c = new Container()
    expect(c.validate(Repo)).toBe(false)
    expect(c.validate(Unit)).toBe(true)
  })
})
