/**
 * What every built-in target is to the harness: one interface, one folder per target
 * (`targets/<name>/index.ts` exports `target: TargetSpec`), one map (`targets/index.ts`). The
 * harness starts targets (`unblocked serve`), names their frameworks and plans the bench from
 * this alone; a target's own modules load only when it starts, so naming every target loads
 * none of their frameworks.
 */

/** A target listening for requests. */
export interface RunningTarget {
  readonly name: string
  readonly url: string
  /** A line describing what runs (framework, pool size), for the "listening" log. */
  readonly description: string
  /** Graceful stop: stop accepting, finish in-flight requests, release workers. */
  close(): Promise<void>
  /**
   * The longest `close()` takes, ms, when the target bounds it (the reference: its grace, then its
   * pool's close): `unblocked serve` forces its exit only after this. @default unknown (30 s is assumed)
   */
  readonly closeWithinMs?: number
}

export interface StartOptions {
  /**
   * The environment the target reads its settings from (see each target's `variants` for the
   * settings the bench uses).
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>
}

/**
 * How a running host is switched into a variant's state and back: a `PUT` of a JSON body at
 * `path`. The bench sends `variant` before each of the variant's trials and `host` before each
 * of the host's, so every trial sets the state it measures.
 */
export interface VariantSwitch {
  /** Path on the host that accepts the PUT, e.g. `/diagnostics/blocking`. */
  readonly path: string
  /** The body that puts the host in the variant's state. @example { enabled: false } */
  readonly variant: unknown
  /** The body that puts the host back in its own state. @example { enabled: true } */
  readonly host: unknown
}

/**
 * Another configuration of a target, measured by the bench in the target's own process (two
 * processes of the same code differ by more than the costs a variant is there to measure; see
 * harness/bench/variant.ts).
 */
export interface TargetVariant {
  /** Its name in runs and reports, e.g. `reference-nodetect`. */
  readonly name: string
  /** What differs from the host, appended to the host's framework string, e.g. `blocking detection off`. */
  readonly describe: string
  /** The load scenarios it is measured in: planned only when a run selects one of them, and measured in those selected. */
  readonly scenarios: readonly string[]
  /** Environment the host must be started with for the switch to work (the bench prefixes the host's command with it). */
  readonly env: Readonly<Record<string, string>>
  readonly switch: VariantSwitch
}

/**
 * The target's framework driven without HTTP, for the micro-benchmarks (harness/bench/micro.ts).
 * Each call is one unit the benchmarks time, called many times over; the target decides what
 * runs, the harness only measures. Members are plain functions, so they can be handed to a
 * benchmark unbound.
 */
export interface InProcessDispatch {
  /** The floor under every dispatch path: the handler's return value made by a direct function call. */
  readonly direct: () => unknown
  /** One request to an async route through the framework's in-process pipeline (extract → call → coerce), on this thread. */
  readonly asyncRoute: () => unknown
  /** One request to a sync route through the worker pool's offload path: a round trip to a worker. */
  readonly syncRoute: () => Promise<unknown>
  /** The framework's coercion of one handler return value to a response, one call per kind of value. */
  readonly coercions: readonly { readonly name: string; readonly call: () => unknown }[]
  /** Extraction of a validated JSON body from a new request context. */
  readonly extractJsonBody: () => unknown
  /** The shape of the pool lane `syncRoute` runs in, so a bare-piscina floor can be given the same. */
  readonly lane: { readonly threads: number; readonly tasksPerWorker: number }
  /** Stop the workers (tasks still running are abandoned). */
  readonly close: () => Promise<void>
}

export interface TargetSpec {
  /** The name `unblocked serve <name>` and `--targets` take; the name of its folder under targets/. */
  readonly name: string
  /** How it dispatches handlers, in a few words. */
  readonly summary: string
  /** The framework and versions installed, e.g. `fastify 5.6.1 + piscina 5.1.3`. */
  framework(): string
  /** Start listening on `host:port` (port 0: any free port). Rejects, with nothing left running, when it cannot. */
  start(port: number, host: string, options?: StartOptions): Promise<RunningTarget>
  /** Configurations the bench measures in this target's process, switched per trial. @default none */
  readonly variants?: readonly TargetVariant[]
  /**
   * A floor rather than a framework (raw `node:http`): it serves only these load scenarios'
   * endpoints, so the bench runs it in those alone and does not verify it against the contract.
   */
  readonly floor?: { readonly scenarios: readonly string[] }
  /** Present when the framework can be driven in-process for the micro-benchmarks. */
  readonly inProcess?: () => Promise<InProcessDispatch>
}

/**
 * The targets by name, in the order given. Throws when two targets, or a target and a variant,
 * share a name. Lookups of names not listed (`constructor` included) give `undefined`.
 */
export function registry(specs: readonly TargetSpec[]): Readonly<Record<string, TargetSpec>> {
  const byName: Record<string, TargetSpec> = Object.create(null) as Record<string, TargetSpec>
  const taken = new Set<string>()
  for (const spec of specs) {
    for (const name of [spec.name, ...(spec.variants ?? []).map((v) => v.name)]) {
      if (taken.has(name)) throw new Error(`two built-in targets or variants are named "${name}"`)
      taken.add(name)
    }
    byName[spec.name] = spec
  }
  return Object.freeze(byName)
}
