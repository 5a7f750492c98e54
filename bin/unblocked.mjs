#!/usr/bin/env node
// Entry point: register tsx's loader hooks so the TypeScript sources run as they are (no build
// step), then hand over to the CLI.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../harness/cli.ts')
await main(process.argv)
