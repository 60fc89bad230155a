/**
 * @module authorizer/inputs
 * The request boundary of the authorizers: uids, entities, context and schema from their
 * JSON forms. (Temporary schemaless implementation; the schema-aware parsers replace it.)
 */
import { EntityStore } from '../entities/store.js';
import { constructExtensionValue } from '../extensions/index.js';
import { CedarRecord, CedarSet, EntityUID, type Value } from '../values/value.js';

export type EntityRefInput =
  | EntityUID
  | { readonly type: string; readonly id: string }
  | { readonly __entity: { readonly type: string; readonly id: string } };
export type EntitiesInput = readonly unknown[];
export type SchemaInput = string | Record<string, unknown>;
export interface RequestSchema {
  readonly kind: 'schema';
}

export class InputError extends Error {
  override readonly name = 'InputError';
}

export function toUid(x: unknown, where: string): EntityUID {
  if (x instanceof EntityUID) return x;
  const e =
    x !== null && typeof x === 'object' && Object.hasOwn(x, '__entity') ? (x as { __entity: unknown }).__entity : x;
  if (e !== null && typeof e === 'object') {
    const { type, id } = e as { type?: unknown; id?: unknown };
    if (typeof type === 'string' && typeof id === 'string') return new EntityUID(type, id);
  }
  throw new InputError(`${where}: expected an entity uid \`{ "type": …, "id": … }\`, got \`${JSON.stringify(x)}\``);
}

function value(x: unknown, where: string): Value {
  switch (typeof x) {
    case 'boolean':
    case 'string':
      return x;
    case 'bigint':
      return x;
    case 'number':
      if (!Number.isSafeInteger(x)) throw new InputError(`${where}: \`${x}\` is not an integer`);
      return BigInt(x);
  }
  if (Array.isArray(x)) return CedarSet.of(x.map((y, i) => value(y, `${where}[${i}]`)));
  if (x !== null && typeof x === 'object') {
    const keys = Object.keys(x);
    if (keys.length === 1 && keys[0] === '__entity') return toUid(x, where);
    if (keys.length === 1 && keys[0] === '__extn') {
      const { fn, arg } = (x as { __extn: { fn: string; arg: string } }).__extn;
      return constructExtensionValue(fn, arg);
    }
    return new CedarRecord(
      new Map(keys.map((k) => [k, value((x as Record<string, unknown>)[k], `${where}.${k}`)] as const)),
    );
  }
  throw new InputError(`${where}: unsupported value \`${String(x)}\``);
}

export function loadSchema(_s: SchemaInput | RequestSchema): RequestSchema {
  throw new InputError('schemas are not supported yet');
}

export function loadEntities(json: EntitiesInput, _schema: RequestSchema | undefined): EntityStore {
  return EntityStore.from(
    json.map((raw, i) => {
      const e = raw as {
        uid: unknown;
        attrs?: Record<string, unknown>;
        parents?: unknown[];
        tags?: Record<string, unknown>;
      };
      const uid = toUid(e.uid, `entities[${i}].uid`);
      const attrs = value(e.attrs ?? {}, `${uid.key}.attrs`) as CedarRecord;
      const tags = value(e.tags ?? {}, `${uid.key}.tags`) as CedarRecord;
      return {
        uid,
        attrs: attrs.map,
        parents: (e.parents ?? []).map((p, j) => toUid(p, `${uid.key}.parents[${j}]`)),
        tags: tags.map,
      };
    }),
  );
}

export function loadContext(json: unknown, _schema: RequestSchema | undefined, _action: EntityUID): CedarRecord {
  const v = value(json, 'context');
  if (!(v instanceof CedarRecord)) throw new InputError('context must be a record');
  return v;
}

export function validateRequest(
  _s: RequestSchema,
  _p: EntityUID,
  _a: EntityUID,
  _r: EntityUID,
  _c: CedarRecord,
): void {}
