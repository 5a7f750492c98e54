/** `unblocked matrix`: the reports it reads, and the one-line errors for files it cannot use. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { CliError } from './cli-error.ts'
import { matrix } from './matrix-command.ts'
import { UsageError } from './usage-error.ts'

const dir = mkdtempSync(join(tmpdir(), 'unblocked-matrix-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const verdicts = (name: string): string => fileURLToPath(new URL(`../docs/verdicts/${name}.json`, import.meta.url))

describe('unblocked matrix', () => {
  it('puts the committed reports side by side: one row per target, a column per suite', async () => {
    let out = ''
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true))
    try {
      expect(await matrix([verdicts('reference'), verdicts('express')], { suites: 'coercion' })).toBe(0)
    } finally {
      write.mockRestore()
    }
    expect(out.split('\n')[0]).toBe('| target | coercion | exit |')
    expect(out).toMatch(/^\| reference \|/m)
    expect(out).toMatch(/^\| express \|/m)
  })

  it('a file that is not there is the catalogued one-line error naming it', async () => {
    const missing = join(dir, 'nope.json')
    await expect(matrix([missing], {})).rejects.toThrow(new CliError('UNB_ERR_CLI_NO_SUCH_FILE', [missing]))
  })

  it('a file that is not JSON, or JSON that is no conformance report, says so', async () => {
    const text = join(dir, 'text.json')
    writeFileSync(text, 'hello')
    await expect(matrix([text], {})).rejects.toThrow(/^cannot read .*text\.json: not JSON/)
    const other = join(dir, 'other.json')
    writeFileSync(other, '{"a":1}')
    await expect(matrix([other], {})).rejects.toThrow(new UsageError(`${other} is not a conformance report (--json of unblocked conformance): it has no cases`))
  })
})
