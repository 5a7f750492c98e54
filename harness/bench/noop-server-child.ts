/** The no-op server's process: listen on a free port of 127.0.0.1, tell the parent which. */
import type { AddressInfo } from 'node:net'
import { createNoopServer } from './noop-server.ts'

const server = createNoopServer()
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }))
// The parent going away (its IPC channel closing) ends this process too.
process.on('disconnect', () => process.exit(0))
