/**
 * The prober process: pings on a schedule and nothing else, so the only noise in its
 * measurement is its own (and the CPU it shares), which the control server's pings measure.
 * One command at a time, from prober.ts.
 */
import { openServers, runSchedule, serversFit, type ProbeServers } from './open-loop.ts'
import { jobProblem, type Connected, type ProberCommand, type ProberMessage, type ProbeJob, type ProbeResult } from './protocol.ts'

const send = (m: ProberMessage): void => {
  process.send?.(m)
}

/** Connections opened by `connect`, used by the next probe of the same servers. */
let servers: ProbeServers | undefined

async function close(): Promise<void> {
  const open = servers
  servers = undefined
  await Promise.all([open?.target.close(), open?.control?.close()])
}

async function connect(job: ProbeJob): Promise<Connected> {
  await close()
  servers = await openServers(job)
  return { target: servers.target.preconnected, ...(servers.control && { control: servers.control.preconnected }) }
}

async function probe(job: ProbeJob): Promise<ProbeResult> {
  // Connections are for one probe: between trials the server may close them, or be another one.
  if (servers === undefined || !serversFit(servers, job)) await connect(job)
  try {
    return await runSchedule(servers as ProbeServers, job)
  } finally {
    await close()
  }
}

async function handle(command: ProberCommand): Promise<ProberMessage> {
  const problem = jobProblem(command.job)
  if (problem !== undefined) throw new Error(problem)
  if (command.kind === 'connect') return { kind: 'connected', connected: await connect(command.job) }
  return { kind: 'result', result: await probe(command.job) }
}

process.on('message', (command: ProberCommand) => {
  handle(command).then(send, (err: unknown) => send({ kind: 'error', message: err instanceof Error ? err.message : String(err) }))
})
// The bench is gone: nothing will read a result.
process.on('disconnect', () => process.exit(0))
send({ kind: 'ready' })
