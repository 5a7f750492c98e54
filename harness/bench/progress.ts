/** Progress display for the bench: it only listens to the runner's events. */
import { oneLine } from '../../scenarios/one-line.ts'
import { sig } from './round.ts'
import type { BenchEvents } from './runner.ts'

function clock(sec: number): string {
  const m = Math.floor(sec / 60)
  return m > 0 ? `${m}m${String(sec % 60).padStart(2, '0')}s` : `${sec}s`
}

export function progressDisplay(out: NodeJS.WriteStream = process.stderr): BenchEvents {
  const tty = out.isTTY === true
  let open = false
  const line = (s: string): void => {
    if (tty) {
      out.write(`\r\x1b[2K${s}`)
      open = true
    } else out.write(`${s}\n`)
  }
  const end = (): void => {
    if (open) out.write('\n')
    open = false
  }
  return {
    phase(name, detail) {
      end()
      out.write(`· ${name}: ${detail}\n`)
    },
    trialStart(i) {
      line(`[${i.done + 1}/${i.total}] ${i.scenario} · ${i.target} · trial ${i.trial}/${i.trials} · about ${clock(i.etaSec)} left`)
    },
    trialEnd(i) {
      const t = i.trial
      if (t.state !== 'ok') {
        end()
        out.write(`  ✗ ${i.scenario} · ${i.target} · trial ${t.trial}: ${oneLine(t.state === 'skipped' ? t.reason : t.error)}\n`)
      } else if (!tty) {
        const ping = t.ping ? `, pings ${t.ping.target.served}/${t.ping.target.scheduled} served, stall ${sig(t.ping.target.stallMaxMs)} ms` : ''
        out.write(`  ${i.scenario} · ${i.target} · ${sig(t.rps)} req/s${ping}${t.loadgen.saturated ? ' (load generator saturated)' : ''}${t.drain.quiet ? '' : ' (target never idle before the trial)'}\n`)
      }
    },
    targetFailed(name, why) {
      end()
      out.write(`  ✗ target ${name}: ${oneLine(why.split('\n')[0] ?? why)}\n`)
    },
  }
}
