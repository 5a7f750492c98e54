/**
 * Paths in what blocking detection reports (stack lines, frame URLs) made project-relative: its
 * events are served at `blocking.endpoint` and logged, and an absolute path tells a reader where
 * the server is installed and who runs it. The project is the working directory the server was
 * started in; a path outside it keeps only its file name.
 */
import { pathToFileURL } from 'node:url'

/** An absolute directory prefix (a file URL's or a plain path's) at the start of a frame or after `(` or a space. */
const ABSOLUTE_DIRS = /(?<=^|[\s(])(?:file:\/\/)?\/(?:[^\s/()]+\/)*/g

/**
 * `text` with file paths relative to `root`: `file:///srv/app/src/items.ts:3:7` and
 * `/srv/app/src/items.ts:3:7` become `src/items.ts:3:7`; `/usr/lib/x/y.js:1:2` becomes `…/y.js:1:2`.
 * @default root process.cwd()
 */
export function projectRelative(text: string, root = process.cwd()): string {
  const dir = root.endsWith('/') ? root : `${root}/`
  const url = pathToFileURL(dir).href
  const inside = text.replaceAll(url, '').replaceAll(`file://${dir}`, '').replaceAll(dir, '')
  return inside.replace(ABSOLUTE_DIRS, '…/')
}
