/**
 * @module json/entity-ref
 * Entity references in Cedar JSON: `{"type": "User", "id": "alice"}` or
 * `{"__entity": {"type": "User", "id": "alice"}}`.
 *
 * Where Cedar knows an entity reference is due — an entity's `uid` and `parents`, request
 * principal/action/resource, and values the schema types as entities — it reads the
 * reference leniently, as serde reads an untagged enum (established against cedar-wasm):
 * the first readable form wins, in the order `__expr` (refused: the escape was removed),
 * `__entity`, bare `{type, id}`; other keys are ignored, whatever they hold; `type` and `id`
 * must be strings. Anything else is "expected a literal entity reference".
 *
 * Where no type is known (schemaless values), only the exact one-key `__entity` form is an
 * entity; that reading lives in `json/value`.
 */
import { EntityUID } from '../values/value.js';
import type { Path } from './errors.js';
import { nameProblem } from './names.js';
import { checkString, isPlainObject, type JsonObject, own, showJson } from './raw.js';
import { fail, type Site } from './site.js';

export interface TypeAndId {
  readonly type: string;
  readonly id: string;
}

/** `{type: string, id: string, …}` (own keys only). */
export function isTypeAndId(v: unknown): v is JsonObject & TypeAndId {
  return isPlainObject(v) && typeof own(v, 'type') === 'string' && typeof own(v, 'id') === 'string';
}

/** A uid from a checked type name and id. */
export function makeUid(t: TypeAndId, at: Site, path: Path | undefined): EntityUID {
  const problem = nameProblem(t.type);
  if (problem !== undefined) {
    throw fail('name', at, path, `invalid entity type in \`${showJson({ type: t.type, id: t.id })}\`: ${problem}`);
  }
  checkString(t.type, at, path);
  checkString(t.id, at, path);
  return new EntityUID(t.type, t.id);
}

export const EXPR_ESCAPE_MESSAGE =
  'the `__expr` escape is no longer supported; use `__entity` for an entity reference, `__extn` for an extension value, and plain JSON for other values';

/** Read a reference where one is due (see the module comment for the rules). */
export function readEntityRef(v: unknown, at: Site, path: Path | undefined): EntityUID {
  if (isPlainObject(v)) {
    if (typeof own(v, '__expr') === 'string') throw fail('escape', at, path, EXPR_ESCAPE_MESSAGE);
    const escaped = own(v, '__entity');
    if (isTypeAndId(escaped)) return makeUid(escaped, at, { parent: path, key: '__entity' });
    if (isTypeAndId(v)) return makeUid(v, at, path);
  }
  throw fail(
    'json',
    at,
    path,
    `expected a literal entity reference, but got \`${showJson(v)}\`; write it as \`{ "type": "SomeType", "id": "SomeId" }\``,
  );
}
