/** An open-loop job as the load-generator child runs it: the scenario's check on every body. */
import { scenarioById } from '../scenarios.ts'
import { runOpenLoop } from './generator.ts'
import type { OpenLoopJob, OpenLoopResult } from './protocol.ts'

export async function runOpenLoopJob(job: OpenLoopJob): Promise<OpenLoopResult> {
  const scenario = scenarioById(job.scenario)
  if (scenario === undefined) throw new Error(`unknown scenario ${job.scenario}`)
  const { url: origin, method, path, rateRps, durationSec, connections } = job
  return runOpenLoop({ origin, method, path, rateRps, durationSec, connections, check: scenario.check })
}
