/**
 * The micro-benchmark child: waits to be pinned, then runs the micro-benchmarks once and sends
 * the report. A process of its own so the benchmarks run as the targets do (pinned to the
 * target's CPUs, with the targets' V8 flags) and not in the bench's busy process.
 */
import { runMicro, type MicroReport } from '../micro.ts'

export type MicroRequest = { readonly timeMs: number; readonly rounds: number }
export type MicroReply = { readonly kind: 'report'; readonly report: MicroReport } | { readonly kind: 'error'; readonly message: string }

process.once('message', (req: MicroRequest) => {
  runMicro(req.timeMs, req.rounds).then(
    (report) => process.send?.({ kind: 'report', report } satisfies MicroReply, () => process.exit(0)),
    (err: unknown) => process.send?.({ kind: 'error', message: err instanceof Error ? err.message : String(err) } satisfies MicroReply, () => process.exit(1)),
  )
})
process.send?.({ kind: 'ready' })
