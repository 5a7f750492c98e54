/**
 * The bench's profiles as data: what each runs and verifies. No imports, so `bench --help` can
 * describe them without loading the bench (harness/cli.ts loads every command's module lazily).
 *
 * default: about 7 minutes on a 2-core machine. Many short trials where a requirement reads the
 * cell: a verdict's interval comes from the spread of paired per-trial ratios, and on this
 * machine consecutive 1 s trials of identical code differ by up to ±15%, so 10 pairs put a 95%
 * interval about ±6% around the median where 3 gave no interval at all. Other cells get 3, for
 * their medians and spreads. Its verification leaves out the `blocking` suite: its cases are what
 * the load scenarios measure anyway (ping-under-sync-blocking, io-wait-sync, cpu-sync), and on
 * the targets that block it took 33–35 s each (`unblocked conformance` runs it).
 *
 * quick: the CI profile. 3 trials where a requirement reads, so a verdict can at least say it is
 * inconclusive; conformance without the slow suites but with `blocking`, so a CI report still
 * says which targets block. That suite costs what the targets do: about 6 s on one that keeps
 * its loop free, about 31 s on express (measured: its failing timing cases run 3 times each,
 * `--attempts`, 10 s with one). The retries stay: they are what makes a FAIL mean the target,
 * and the bench's verdicts the same as `unblocked conformance`'s (docs/verdicts/).
 *
 * Before loading, every target is started alone `startupRounds` times for its start-up time and
 * idle memory (startup.ts): 5 is the fewest paired rounds a ratio gets an interval from
 * (stats.ts); quick's 3 give the numbers, and verdicts that can only be inconclusive.
 */
export const PROFILES = {
  default: {
    about: 'about 7 minutes',
    durationSec: 1,
    warmupSec: 1,
    trials: 3,
    ratioTrials: 10,
    verifySuites: ['coercion', 'extraction', 'errors', 'thread-safety'],
    microTimeMs: 250,
    openLoop: { scenarios: ['json-async'], fractions: [0.25, 0.5, 0.75], durationSec: 1 },
    startupRounds: 5,
  },
  quick: {
    about: 'about 4 minutes, for CI',
    durationSec: 1,
    warmupSec: 1,
    trials: 1,
    ratioTrials: 3,
    verifySuites: ['coercion', 'extraction', 'errors', 'blocking'],
    microTimeMs: 150,
    openLoop: undefined,
    startupRounds: 3,
  },
} as const

export type ProfileName = keyof typeof PROFILES

/** The profiles for `bench --help`: how long, how many trials, what the verification runs. */
export function profilesHelp(): string {
  const line = (flag: string, name: ProfileName, note: string): string => {
    const p = PROFILES[name]
    return `  ${flag.padEnd(10)}${p.about}: ${p.ratioTrials} trials per cell a requirement reads, ${p.trials} elsewhere;\n  ${''.padEnd(10)}verifies each target first with ${p.verifySuites.join(', ')}${note}`
  }
  return [
    'Profiles:',
    line('(default)', 'default', '\n            (not blocking: the load scenarios measure it, and it costs ~35 s a blocking target)'),
    line('--quick', 'quick', '\n            (blocking included, so the report says which targets block)'),
  ].join('\n')
}
