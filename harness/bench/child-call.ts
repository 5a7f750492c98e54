/** One request to a child process the bench forked, and its one reply, within a time limit. */
import type { ChildProcess } from 'node:child_process'

/**
 * Send `message` and resolve with the child's next message. Rejects when the child exits first
 * (with `exited()`, or "<name> exited"), or when `limitMs` passes (the child is then killed: a
 * child that does not answer in time cannot be trusted with the next request either).
 */
export function callChild<Reply>(child: ChildProcess, message: unknown, limitMs: number, name: string, exited: () => string | undefined): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Reply): void => {
      cleanup()
      resolve(m)
    }
    const onExit = (): void => {
      cleanup()
      reject(new Error(exited() ?? `${name} exited`))
    }
    const timer = setTimeout(() => {
      cleanup()
      child.kill('SIGKILL')
      reject(new Error(`${name} did not finish within ${limitMs} ms`))
    }, limitMs)
    const cleanup = (): void => {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    child.on('message', onMessage)
    child.once('exit', onExit)
    child.send(message as object)
  })
}
