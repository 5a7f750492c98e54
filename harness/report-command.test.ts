import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { fixture } from '../test/fixtures/results-fixture.ts'
import { report } from './report-command.ts'
import { UsageError } from './usage-error.ts'

function file(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'unblocked-report-'))
  const path = join(dir, 'results.json')
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

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

  it('an older results.json is refused, naming the file and both versions', async () => {
    const path = file({ ...fixture, schemaVersion: 1 })
    await expect(report([path], { minChange: '5' })).rejects.toThrow(UsageError)
    await expect(report([path], { minChange: '5' })).rejects.toThrow(`${path} has schemaVersion 1; this unblocked reads schemaVersion 2`)
  })

  it('a malformed results.json is refused with the path of the problem inside it; invalid JSON too', async () => {
    const path = file({ ...fixture, cells: [{ ...fixture.cells[0], state: 'ok', median: undefined }] })
    await expect(report([path], { minChange: '5' })).rejects.toThrow(/does not match results\.json schemaVersion 2: at cells\[0\]\.median: /)
    await expect(report([file('{"schemaVersion": 2,')], { minChange: '5' })).rejects.toThrow(/^cannot read .*results\.json: /)
  })

  it('--compare reads both files through the schema', async () => {
    const { out, text } = sink()
    expect(await report([file(fixture), file(fixture)], { compare: true, minChange: '5', failOnRegression: true }, out)).toBe(0)
    expect(text()).toMatch(/No regression beyond the trial-to-trial noise/)
    await expect(report([file(fixture), file({ ...fixture, schemaVersion: 3 })], { compare: true, minChange: '5' })).rejects.toThrow(/has schemaVersion 3; this unblocked reads schemaVersion 2 \(a newer unblocked wrote it/)
  })
})
