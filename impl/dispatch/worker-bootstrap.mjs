// The file piscina loads. Plain JavaScript on purpose: it must load under plain `node`, whatever
// the app is written in. The worker imports the app module (workerData.appModule) at its start;
// when that is TypeScript and no loader came with this thread's execArgv (`node --import tsx`
// passes its hooks on; tsx's `register()` in the main thread does not), tsx's hooks are
// registered here first — before the import, because Node caches a module's failed load.
import { workerData } from 'node:worker_threads'
import { ensureTypeScriptLoader, explainTypeScriptError, importSibling, isTypeScript } from '../shared/load-module.mjs'

const appModule = workerData?.appModule
if (typeof appModule === 'string' && isTypeScript(appModule)) await ensureTypeScriptLoader()

let mod
try {
  mod = await importSibling(import.meta.url, './worker')
} catch (err) {
  throw typeof appModule === 'string' ? explainTypeScriptError(err, appModule) : err
}
export default mod.default
