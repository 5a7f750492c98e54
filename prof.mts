import { createApp, silentLogger } from './impl/index.ts'
import def from './targets/reference/app.ts'
const app = await createApp(def, { logger: silentLogger, pool: { maxThreads: 2 }, blocking: { enabled: process.env.DETECT !== '0' } })
await app.listen(8190)
console.log('ready')
process.on('SIGTERM', async () => { await app.close(); process.exit(0) })
