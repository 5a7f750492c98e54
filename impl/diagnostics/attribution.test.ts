import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { CompiledRoute } from '../routing/compile.ts'
import { callSite, HandlerIndex } from './attribution.ts'
import { EventRing, formatFrame, type BlockingEvent } from './events.ts'
import { projectRelative } from './project-paths.ts'
import { wrappedApis } from './tripwires.ts'

const route = (id: string, kind: CompiledRoute['kind'], isStatic = false): CompiledRoute =>
  ({ id, kind, isStatic, path: `/${id}`, fn: { name: id.split('.')[1] } } as unknown as CompiledRoute)

describe('HandlerIndex', () => {
  const index = new HandlerIndex([route('Items.list', 'async'), route('Items.version', 'inline', true), route('Items.heavy', 'sync')])

  it('finds instance handlers in Error.stack text, also under esbuild\'s _Class names and async frames', () => {
    const stack = 'Error\n    at sleepSync (/x/mutex.ts:1:1)\n    at async _Items.list (/x/items.ts:9:3)\n    at runRoute (/x/pipeline.ts:1:1)'
    expect(index.fromStack(stack)?.id).toBe('Items.list')
  })

  it('finds static handlers by name, and ignores sync handlers (they never run on the loop)', () => {
    expect(index.fromStack('Error\n    at Function.version (/x/items.ts:1:1)')?.id).toBe('Items.version')
    expect(index.fromStack('Error\n    at Items.heavy (/x/items.ts:1:1)')).toBeUndefined()
  })

  it('finds handlers in sampled CDP frames', () => {
    expect(index.fromFrames([{ fn: 'spin', url: 'u', line: 1, column: 1 }, { fn: 'list', cls: '_Items', url: 'u', line: 2, column: 1 }])?.id).toBe('Items.list')
    expect(index.fromFrames([{ fn: 'version', cls: 'Function', url: 'u', line: 1, column: 1 }])?.id).toBe('Items.version')
  })

  it('formats frames and trims the tripwire itself from call sites', () => {
    expect(formatFrame({ fn: 'list', cls: 'Items', url: pathToFileURL(join(process.cwd(), 'src/a.ts')).href, line: 3, column: 7 })).toBe('Items.list (src/a.ts:3:7)')
    const inProject = join(process.cwd(), 'src/a.ts')
    expect(callSite(`Error\n    at wrapped (/p/impl/diagnostics/tripwires.ts:1:1)\n    at Items.list (${inProject}:3:7)`)).toEqual(['Items.list (src/a.ts:3:7)'])
  })
})

describe('project-relative paths (the diagnostics endpoint is no map of the server\'s disk)', () => {
  const root = '/srv/my app'
  it.each([
    ['a file URL in the project', 'Items.list (file:///srv/my%20app/src/items.ts:3:7)', 'Items.list (src/items.ts:3:7)'],
    ['a path in the project', 'async Items.list (/srv/my app/src/items.ts:3:7)', 'async Items.list (src/items.ts:3:7)'],
    ['a bare frame', '/srv/my app/node_modules/x/index.js:1:2', 'node_modules/x/index.js:1:2'],
    ['a path outside it: the file name only', 'run (/usr/lib/node_modules/tsx/dist/loader.mjs:1:2)', 'run (…/loader.mjs:1:2)'],
    ['a file URL outside it', 'f (file:///home/ada/a.ts:1:1)', 'f (…/a.ts:1:1)'],
    ['a file at the root', 'f (/a.ts:1:1)', 'f (…/a.ts:1:1)'],
    ['node internals, untouched', 'ModuleJob.run (node:internal/modules/esm/module_job:325:25)', 'ModuleJob.run (node:internal/modules/esm/module_job:325:25)'],
  ])('%s', (_, line, shown) => {
    expect(projectRelative(line, root)).toBe(shown)
  })

  it('the call site of a real stack has no absolute path left', () => {
    const site = callSite(new Error('here').stack ?? '')
    expect(site.length).toBeGreaterThan(0)
    for (const l of site) expect(l).not.toMatch(/(^|[\s(])(file:\/\/)?\/[^…]/)
    expect(site[0]).toMatch(/(^|\()impl\/diagnostics\/attribution\.test\.ts:\d+:\d+\)?$/)
  })
})

describe('EventRing', () => {
  it('keeps the most recent events, last one last, and counts all', () => {
    const ring = new EventRing(2)
    for (const ms of [1, 2, 3]) ring.push({ source: 'heartbeat', route: null, handler: null, ms, at: '' } satisfies BlockingEvent)
    expect(ring.list().map((e) => e.ms)).toEqual([2, 3])
    expect(ring.total).toBe(3)
  })
})

it('the tripwires cover the blocking sync APIs the issue names', () => {
  const apis = wrappedApis()
  for (const api of ['fs.readFileSync', 'fs.writeFileSync', 'child_process.execSync', 'child_process.spawnSync', 'zlib.gzipSync', 'crypto.pbkdf2Sync', 'crypto.scryptSync', 'crypto.randomFillSync', 'Atomics.wait']) {
    expect(apis).toContain(api)
  }
  expect(apis).not.toContain('fs.writeSync') // loggers' stdout writes
})
