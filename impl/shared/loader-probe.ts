// Imported (under a fresh query string) to learn whether this thread can load TypeScript:
// load-module.mjs. Its type annotation makes it TypeScript to any loader.
export const loaded: boolean = true
