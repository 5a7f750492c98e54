#!/usr/bin/env node
// Entry point: run the built CLI (dist/, made by `npm run build`; the published package ships it).
import { existsSync } from 'node:fs'

const cli = new URL('../dist/harness/cli.js', import.meta.url)
if (!existsSync(cli)) {
  console.error('unblocked: dist/ is missing: run `npm run build` in this checkout first (the npm package ships it built)')
  process.exit(1)
}
const { main } = await import(cli.href)
await main(process.argv)
