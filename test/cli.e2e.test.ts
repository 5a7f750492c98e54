/** CLI conventions that do not depend on a target. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from './cli.ts'

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version

it.each([['--version'], ['-V']])('%s prints the package version and exits 0', async (flag) => {
  const run = await runCli([flag], 30_000)
  expect(run.code).toBe(0)
  expect(run.stdout.trim()).toBe(version)
})

describe('a file that cannot be used is one line, never a stack (exit 2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unblocked-cli-'))
  const missing = join(dir, 'nope', 'results.json')
  const corrupt = join(dir, 'results.json')
  writeFileSync(corrupt, '{"schemaVersion": 3, "cells": [')

  it.each([
    [['report', missing], `unblocked: no such file: ${missing}\n`],
    [['report', corrupt], /^unblocked: cannot read .*results\.json: not JSON \(.+\)\n$/],
    [['check-report', join(dir, 'index.html')], `unblocked: no such file: ${join(dir, 'index.html')}\n`],
  ])('%j', async (args, line) => {
    const run = await runCli(args, 30_000)
    expect(run.code).toBe(2)
    if (typeof line === 'string') expect(run.stdout).toBe(line)
    else expect(run.stdout).toMatch(line)
  })
})
