/** Structured logging (pino). The framework only needs these three levels. */
import { pino } from 'pino'

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
  return pino({ level, base: { service: 'unblocked' } })
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }
