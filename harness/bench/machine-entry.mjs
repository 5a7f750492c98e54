// Entry of the machine-speed probe's process: run the child (built, or its TypeScript source in a checkout).
import { importSibling } from '../../impl/shared/load-module.mjs'

await importSibling(import.meta.url, './machine-child')
