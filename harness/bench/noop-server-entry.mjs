// Entry of the no-op server's process: register tsx, then run the TypeScript child.
import { register } from 'tsx/esm/api'

register()
await import('./noop-server-child.ts')
