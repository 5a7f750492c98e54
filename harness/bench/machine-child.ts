/** The machine-speed probe's process: on each request, time the unit of work and answer with ms. */
import { timeUnit } from './machine-work.ts'

export type ProbeRequest = { kind: 'sample'; id: number }
export type ProbeAnswer = { kind: 'ready' } | { kind: 'sample'; id: number; ms: number }

const send = (m: ProbeAnswer): void => {
  process.send?.(m)
}

process.on('message', (m: ProbeRequest) => {
  if (m.kind === 'sample') send({ kind: 'sample', id: m.id, ms: timeUnit() })
})
// The parent going away (its IPC channel closing) ends this process too.
process.on('disconnect', () => process.exit(0))
// Compiled and warm before the first sample that counts.
timeUnit()
send({ kind: 'ready' })
