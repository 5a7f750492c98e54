/** Structured logging (pino). The framework only needs these three levels. */
import { createRequire } from 'node:module'
import type { pino as Pino } from 'pino'

// pino is loaded when the first logger is made, not on import: every pool worker imports the
// framework with the app module and never logs through it (a worker's start-up and memory).
const require = createRequire(import.meta.url)

export interface Logger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/**
 * JSON lines on stdout (pino's default), level from `LOG_LEVEL`.
 * @default level 'info'
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  const { pino } = require('pino') as { pino: typeof Pino }
  return pino({ level, base: { service: 'unblocked' } })
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }
