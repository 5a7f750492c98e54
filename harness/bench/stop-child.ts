/** Ending a child process this module started, and knowing it ended. */
import type { ChildProcess } from 'node:child_process'

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited (at once if it already had). */
export function stopChild(child: ChildProcess, exited: () => boolean, graceMs: number): Promise<void> {
  if (exited() || child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
