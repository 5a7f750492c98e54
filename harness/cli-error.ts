/**
 * The CLI's catalogued errors (impl/errors.ts, the `UNB_ERR_CLI_*` codes): what went wrong around
 * a well-formed command (a file that is not there, a port another process holds). `main` prints
 * the message as one line and exits with the code's exit status; the stack is never shown.
 */
import { UnblockedError, type ErrorCode } from '../impl/errors.ts'

export type CliErrorCode = Extract<ErrorCode, `UNB_ERR_CLI_${string}`>

/**
 * 2 where the command names something that is wrong (as a usage error is), 1 where the command was
 * right and the machine refused it.
 */
const EXIT: Record<CliErrorCode, 1 | 2> = {
  UNB_ERR_CLI_NO_SUCH_FILE: 2,
  UNB_ERR_CLI_FILE_UNREADABLE: 2,
  UNB_ERR_CLI_PORT_IN_USE: 1,
  UNB_ERR_CLI_CANNOT_WRITE: 1,
}

export class CliError extends UnblockedError {
  declare readonly code: CliErrorCode
  readonly exitCode: 1 | 2

  constructor(code: CliErrorCode, args: readonly unknown[], options?: { cause?: unknown }) {
    super(code, args, options)
    this.name = 'CliError'
    this.exitCode = EXIT[code]
  }
}
