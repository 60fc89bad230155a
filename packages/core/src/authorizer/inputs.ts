/**
 * @module authorizer/inputs
 * The request boundary of both authorizers, over the data layer (`json/`, `schema/`): uids,
 * entities, context and schemas from their JSON forms, with the same acceptance rules as
 * Cedar. Everything here throws `InputError`/`SchemaError`/`EntityError` at load or request
 * time; the authorizers turn request-time errors into a deny (or a failure answer).
 */
import { EntityStore, type EntityStoreOptions } from '../entities/store.js';
import { fastEntityRef } from '../json/fast.js';
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
 * A request's principal, action or resource. Agent frameworks send the same few uids over and
 * over: the data layer's fast path hands back the `EntityUID` it read before for the exact
 * `{ type, id }` / `{ __entity: { type, id } }` forms, with no name check and no new key; any
 * other shape is read (or refused, with Cedar's message) by the full reader.
 */
export function toUid(x: unknown, what: string): EntityUID {
  if (x instanceof EntityUID) return x;
  return fastEntityRef(x) ?? parseEntityRef(x, what);
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
