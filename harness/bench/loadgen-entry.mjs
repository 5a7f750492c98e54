// Entry of the load-generator child process: register tsx, then run the TypeScript child.
import { register } from 'tsx/esm/api'

register()
await import('./loadgen-child.ts')
