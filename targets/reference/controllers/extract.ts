/** `/extract/{sync,async}/*`: every built-in extractor, in both handler kinds. */
import type { z } from 'zod'
import { controller, depends, get, header, Int, json, path, post, query } from '../../../impl/index.ts'
import { Item } from '../schemas.ts'

/** A dependency provider: resolved once per request, shared by everything that depends on it. */
export const resolved = (): string => 'resolved'

@controller('/extract/sync')
export class ExtractSync {
  @get('/path/{id}', path('id', Int)) path(id: number) { return { id } }
  @get('/query', query('q'), query('n', Int)) query(q: string, n: number) { return { q, n } }
  @post('/json', json(Item)) json(item: z.infer<typeof Item>) { return item }
  @get('/header', header('x-token')) header(token: string) { return { token } }
  @get('/depends', depends(resolved)) depends(dep: string) { return { dep } }
}

@controller('/extract/async')
export class ExtractAsync {
  @get('/path/{id}', path('id', Int)) async path(id: number) { return { id } }
  @get('/query', query('q'), query('n', Int)) async query(q: string, n: number) { return { q, n } }
  @post('/json', json(Item)) async json(item: z.infer<typeof Item>) { return item }
  @get('/header', header('x-token')) async header(token: string) { return { token } }
  @get('/depends', depends(resolved)) async depends(dep: string) { return { dep } }
}
