// Entry of the machine-speed probe's process: register tsx, then run the TypeScript child.
import { register } from 'tsx/esm/api'

register()
await import('./machine-child.ts')
