/**
 * Validated models: classes whose instances are known to satisfy a schema (the Pydantic-model
 * analog). A handler may return one; it is serialized as JSON of its fields.
 */
import { UnblockedError } from './errors.ts'
import { type Infer, type Schema, validate } from './extract/schema.ts'

const MODEL_SCHEMA = Symbol.for('unblocked.model.schema')

export interface ModelClass<T extends object> {
  new (input: unknown): T
  readonly prototype: T
}

/**
 * Create a model base class from an object schema.
 *
 * @example
 * class Widget extends Model(z.object({ id: z.number().int(), name: z.string() })) {}
 * const w = new Widget({ id: 7, name: 'widget' }) // throws UNB_ERR_MODEL_INVALID on bad input
 */
export function Model<S extends Schema<object>>(schema: S): ModelClass<Infer<S>> {
  class ModelBase {
    static readonly [MODEL_SCHEMA] = schema
    constructor(input: unknown) {
      const r = validate(schema, input, 'model', '')
      if (!r.ok) {
        const detail = r.issues.map((i) => `${i.field || '(value)'}: ${i.problem}`).join('; ')
        throw new UnblockedError('UNB_ERR_MODEL_INVALID', [new.target.name, detail])
      }
      Object.assign(this, r.value)
    }
  }
  return ModelBase as unknown as ModelClass<Infer<S>>
}

export function modelSchema(cls: unknown): Schema<object> | undefined {
  if (typeof cls !== 'function') return undefined
  return (cls as unknown as Record<symbol, Schema<object> | undefined>)[MODEL_SCHEMA]
}

/**
 * Build an instance from already-validated data without validating twice (what Pydantic's
 * `model_construct` does); used by the Json extractor after it has reported input errors as 422.
 */
export function constructValidated<T extends object>(cls: ModelClass<T>, value: object): T {
  return Object.assign(Object.create(cls.prototype) as T, value)
}
