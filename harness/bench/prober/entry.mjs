// Entry of the prober child process: register tsx, then run the TypeScript child.
import { register } from 'tsx/esm/api'

register()
await import('./child.ts')
