// Plain JavaScript on purpose: this is the file piscina loads, and it must load under plain
// `node` as well as under tsx or vitest. When the worker thread cannot import TypeScript (no
// loader hooks inherited from the parent), it registers tsx's hooks first.
const entry = new URL('./worker.ts', import.meta.url)
let mod
try {
  mod = await import(entry.href)
} catch (err) {
  if (err?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err
  const { register } = await import('tsx/esm/api')
  register()
  // A new URL: the failed import of the plain URL may be cached by the module loader.
  entry.search = '?tsx'
  mod = await import(entry.href)
}
export default mod.default
