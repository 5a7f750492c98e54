import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { okCell, runOf, trialsOf } from '../test/fixtures/cells.ts'
import { fixture } from '../test/fixtures/results-fixture.ts'
import { CliError } from './cli-error.ts'
import { checkReportCommand, report } from './report-command.ts'
import { UsageError } from './usage-error.ts'

function file(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'unblocked-report-'))
  const path = join(dir, 'results.json')
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

const run = () => runOf([okCell('reference', 'json-async', trialsOf([1000, 1010, 990, 1005, 995]))])

const sink = () => {
  const out = new PassThrough()
  let text = ''
  out.on('data', (d: Buffer) => (text += d.toString()))
  return { out, text: () => text }
}

describe('unblocked report', () => {
  it('renders a valid results.json next to it', async () => {
    const path = file(fixture)
    const { out, text } = sink()
    expect(await report([path], { minChange: '5' }, out)).toBe(0)
    expect(text()).toMatch(/wrote .*index\.html/)
    expect(existsSync(join(path, '..', 'summary.md'))).toBe(true)
  })

  it('--out a folder that does not exist yet: it is made, the report written there', async () => {
    const path = file(fixture)
    const out = join(path, '..', 'new', 'deeper')
    expect(await report([path], { minChange: '5', out }, sink().out)).toBe(0)
    expect(existsSync(join(out, 'index.html'))).toBe(true)
  })

  it('an older results.json is refused, naming the file and both versions', async () => {
    const path = file({ ...fixture, schemaVersion: 1 })
    await expect(report([path], { minChange: '5' })).rejects.toThrow(UsageError)
    await expect(report([path], { minChange: '5' })).rejects.toThrow(`${path} has schemaVersion 1; this unblocked reads schemaVersion 3`)
  })

  it('a malformed results.json is refused with the path of the problem inside it; invalid JSON too', async () => {
    const path = file({ ...fixture, cells: [{ ...fixture.cells[0], state: 'ok', median: undefined }] })
    await expect(report([path], { minChange: '5' })).rejects.toThrow(/does not match results\.json schemaVersion 3: at cells\[0\]\.median: /)
    await expect(report([file('{"schemaVersion": 2,')], { minChange: '5' })).rejects.toThrow(/^cannot read .*results\.json: /)
  })

  it('a file that is not there, a directory, not JSON: one catalogued line naming the file (exit 2)', async () => {
    const missing = join(tmpdir(), 'unblocked-no-such-dir', 'results.json')
    await expect(report([missing], { minChange: '5' })).rejects.toThrow(new CliError('UNB_ERR_CLI_NO_SUCH_FILE', [missing]))
    await expect(report([missing], { minChange: '5' })).rejects.toMatchObject({ code: 'UNB_ERR_CLI_NO_SUCH_FILE', exitCode: 2, message: `no such file: ${missing}` })
    const dir = mkdtempSync(join(tmpdir(), 'unblocked-report-'))
    await expect(report([dir], { minChange: '5' })).rejects.toThrow(`cannot read ${dir}: it is a directory`)
    const corrupt = file('{"schemaVersion": 3, "cells": [')
    await expect(report([corrupt], { minChange: '5' })).rejects.toMatchObject({ code: 'UNB_ERR_CLI_FILE_UNREADABLE', message: expect.stringMatching(new RegExp(`^cannot read ${corrupt}: not JSON \\(.+\\)$`)) })
    await expect(report([file('')], { minChange: '5' })).rejects.toThrow(/: it is empty$/)
    await expect(report([file(run()), missing], { compare: true, minChange: '5' })).rejects.toThrow(`no such file: ${missing}`)
  })

  it('check-report of a file that is not there: the same line, before any browser starts', async () => {
    const missing = join(tmpdir(), 'unblocked-no-such-dir', 'index.html')
    await expect(checkReportCommand(missing)).rejects.toThrow(`no such file: ${missing}`)
  })

  it('--compare reads both files through the schema and judges requests/s', async () => {
    const run = runOf([okCell('reference', 'json-async', trialsOf([1000, 1010, 990, 1005, 995, 1020, 980, 1015]))])
    const { out, text } = sink()
    expect(await report([file(run), file(run)], { compare: true, minChange: '5', failOnRegression: true }, out)).toBe(0)
    expect(text()).toMatch(/No regression detected\. 0 regression, 0 improvement, 1 no change detected/)
    const slower = runOf([okCell('reference', 'json-async', trialsOf([800, 810, 790, 805, 795, 820, 780, 815]))])
    expect(await report([file(run), file(slower)], { compare: true, minChange: '5', failOnRegression: true }, sink().out)).toBe(1)
    await expect(report([file(run), file({ ...run, schemaVersion: 2 })], { compare: true, minChange: '5' })).rejects.toThrow(/has schemaVersion 2; this unblocked reads schemaVersion 3/)
  })

  it('--compare refuses runs from another machine or with other settings (a usage error, exit 2), unless --force', async () => {
    const run = runOf([okCell('reference', 'json-async', trialsOf([1000, 1010, 990, 1005, 995]))])
    const other = { ...run, environment: { ...run.environment, hostname: 'elsewhere' }, settings: { ...run.settings, trials: 3 } }
    const refused = report([file(run), file(other)], { compare: true, minChange: '5' })
    await expect(refused).rejects.toThrow(UsageError)
    await expect(report([file(run), file(other)], { compare: true, minChange: '5' })).rejects.toThrow('refusing to compare runs that differ in settings.trials: 12 → 3; environment.hostname: bench-host → elsewhere (--force compares them anyway)')
    const { out, text } = sink()
    expect(await report([file(run), file(other)], { compare: true, minChange: '5', force: true }, out)).toBe(0)
    expect(text()).toContain('**Forced over differences**')
  })
})
