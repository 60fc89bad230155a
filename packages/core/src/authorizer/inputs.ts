/**
 * @module authorizer/inputs
 * The request boundary of both authorizers, over the data layer (`json/`, `schema/`): uids,
 * entities, context and schemas from their JSON forms, with the same acceptance rules as
 * Cedar. Everything here throws `InputError`/`SchemaError`/`EntityError` at load or request
 * time; the authorizers turn request-time errors into a deny (or a failure answer).
 */
import { EntityStore, type EntityStoreOptions } from '../entities/store.js';
import { validateRequest as checkRequest, parseContext, parseEntities, parseEntityRef } from '../json/index.js';
import { Schema, type SchemaJson } from '../schema/index.js';
import { type CedarRecord, EntityUID } from '../values/value.js';

/** An entity reference: an `EntityUID`, `{ type, id }` or `{ __entity: { type, id } }`. */
export type EntityRefInput =
  | EntityUID
  | { readonly type: string; readonly id: string }
  | { readonly __entity: { readonly type: string; readonly id: string } };
/** Cedar entities JSON: `[{ uid, attrs, parents, tags? }]`. */
export type EntitiesInput = readonly unknown[];
/** Cedar schema text (or JSON schema text), or a JSON schema object. */
export type SchemaInput = string | SchemaJson;

export function loadSchema(s: SchemaInput | Schema): Schema {
  return s instanceof Schema ? s : Schema.parse(s);
}

/**
 * Uids already read from `{ type, id }` request JSON, by type then id. Agent frameworks send
 * the same few principals, actions and resources over and over; handing back the same
 * `EntityUID` saves re-validating the names, re-building the key and re-hashing it in every
 * lookup. Bounded: cleared when full.
 */
const KNOWN_UIDS = new Map<string, Map<string, EntityUID>>();
let knownCount = 0;
const MAX_KNOWN_UIDS = 10_000;

export function toUid(x: unknown, what: string): EntityUID {
  if (x instanceof EntityUID) return x;
  if (typeof x === 'object' && x !== null) {
    const { type, id } = x as { type?: unknown; id?: unknown };
    if (typeof type === 'string' && typeof id === 'string') {
      // Only the plain `{ type, id }` form (own keys): an object with an `__entity` or
      // `__expr` key is read by those rules first (see json/entity-ref), so it takes the full
      // path, and so does anything whose `type`/`id` are inherited.
      const plain = !hasOwn(x, '__entity') && !hasOwn(x, '__expr') && hasOwn(x, 'type') && hasOwn(x, 'id');
      if (plain) {
        const hit = KNOWN_UIDS.get(type)?.get(id);
        if (hit !== undefined) return hit;
        return remember(type, id, parseEntityRef(x, what));
      }
    }
  }
  return parseEntityRef(x, what);
}

const hasOwn = Object.hasOwn;

function remember(type: string, id: string, uid: EntityUID): EntityUID {
  if (knownCount >= MAX_KNOWN_UIDS) {
    KNOWN_UIDS.clear();
    knownCount = 0;
  }
  let ids = KNOWN_UIDS.get(type);
  if (ids === undefined) {
    ids = new Map();
    KNOWN_UIDS.set(type, ids);
  }
  ids.set(id, uid);
  knownCount++;
  return uid;
}

export function loadEntities(
  json: EntitiesInput,
  schema: Schema | undefined,
  opts: EntityStoreOptions = {},
): EntityStore {
  return EntityStore.from(parseEntities(json, { schema }), opts);
}

/** The context as a record; with a schema, typed by the action's context type and, when `validate`, checked against it. */
export function loadContext(
  json: unknown,
  schema: Schema | undefined,
  action: EntityUID,
  validate: boolean,
): CedarRecord {
  return parseContext(json, { schema, action, validate });
}

/** Cedar's request validation of principal, action and resource types (the context is checked by {@link loadContext}). */
export function validateRequest(schema: Schema, principal: EntityUID, action: EntityUID, resource: EntityUID): void {
  checkRequest(schema, principal, action, resource);
}
