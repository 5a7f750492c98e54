/** The running form of a target whose server module starts a listener and nothing else. */
import type { RunningTarget, TargetSpec } from '../spec.ts'

export interface Listening {
  readonly url: string
  close(): Promise<void>
}

/** Names the listener and describes it for the "listening" log: `<name> (<framework>; <summary>)`. */
export function running(spec: Pick<TargetSpec, 'name' | 'summary' | 'framework'>, listening: Listening): RunningTarget {
  return { name: spec.name, url: listening.url, description: `${spec.name} (${spec.framework()}; ${spec.summary})`, close: () => listening.close() }
}
