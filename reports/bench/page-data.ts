/**
 * What page.js draws, embedded in index.html as JSON (html.ts). Only measured values go in: a
 * cell that errored or was skipped carries its state and no numbers, so a chart shows it as
 * absent and says so, never as a zero.
 */
import type { BenchResults, CaseResult, Cell } from '../../harness/results/schema.ts'
import { measuredTrials } from './headline.ts'
import { conformanceOf } from './verification.ts'

export interface PageData {
  targets: string[]
  cores: number
  scenarios: { id: string }[]
  cells: { target: string; scenario: string; state: Cell['state']; median?: unknown; spread?: unknown }[]
  pingTimelines: { target: string; label: string; trial: number; points: [number, number][]; control: boolean }[]
  cpu: { target: string; state: Cell['state']; rps: number | null; cores: number | null }[]
  memory: { target: string; peakMib: number | null; idleMib: number | null }[]
  micro: { name: string; group: string; p50Us: number }[]
  cases: Record<string, Omit<CaseResult, 'durationMs' | 'suite'> & { target: string }>
}

const mib = (bytes: number): number => Math.round(bytes / 2 ** 20)

export function pageData(r: BenchResults): PageData {
  const targets = r.targets.map((t) => t.name)
  const cases: PageData['cases'] = {}
  for (const t of r.targets) {
    for (const c of conformanceOf(t)?.cases ?? []) {
      cases[`${t.name}|${c.id}`] = { target: t.name, id: c.id, level: c.level, description: c.description, verdict: c.verdict, reason: c.reason, ...(c.expected && { expected: c.expected }), ...(c.actual && { actual: c.actual }), ...(c.data && { data: { ...c.data, pingTimeline: undefined } }) }
    }
  }
  // Each target's first measured trial with pings, and the control server's pings of that same trial.
  const pingTimelines = r.cells.flatMap((c) => {
    if (c.state !== 'ok' || c.ping === undefined) return []
    const first = measuredTrials(c).find((t) => t.ping !== undefined)
    if (first?.ping === undefined) return []
    const points = (p: { timeline: readonly (readonly [number, number, number])[] }) => p.timeline.map(([at, ms]) => [at, ms] as [number, number])
    const own = { target: c.target, label: c.target, trial: first.trial, points: points(first.ping.target), control: false }
    const control = first.ping.control
    return control === undefined ? [own] : [own, { target: c.target, label: `control · ${c.target}`, trial: first.trial, points: points(control), control: true }]
  })
  const cpu = r.cells.filter((c) => c.scenario === 'cpu-sync').map((c) => ({ target: c.target, state: c.state, rps: c.state === 'ok' ? c.median.rps : null, cores: c.state === 'ok' ? (c.median.targetCpuCores ?? null) : null }))
  const memory = targets.flatMap((t) => {
    const peaks = r.cells.flatMap((c) => (c.target === t && c.state === 'ok' && c.median.targetPeakRssBytes !== undefined ? [c.median.targetPeakRssBytes] : []))
    const s = r.startup?.find((x) => x.target === t)
    const idle = s?.state === 'ok' ? s.median.idleRssBytes : undefined
    const peak = s?.state === 'ok' && s.peakRssBytes !== undefined ? s.peakRssBytes : peaks.length > 0 ? Math.max(...peaks) : undefined
    return peak === undefined && idle === undefined ? [] : [{ target: t, peakMib: peak === undefined ? null : mib(peak), idleMib: idle === undefined ? null : mib(idle) }]
  })
  const micro = r.micro.state === 'ok' ? r.micro.results.flatMap((m) => (m.state === 'ok' ? [{ name: m.name, group: m.group, p50Us: m.p50Us }] : [])) : []
  return {
    targets,
    cores: r.environment.cores,
    scenarios: r.scenarios.map((s) => ({ id: s.id })),
    cells: r.cells.map((c) => ({ target: c.target, scenario: c.scenario, state: c.state, ...(c.state === 'ok' && { median: c.median, spread: c.spread }) })),
    pingTimelines,
    cpu,
    memory,
    micro,
    cases,
  }
}
