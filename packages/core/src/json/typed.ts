/**
 * @module json/typed
 * Cedar JSON → runtime values where the schema says what type to expect. The expected type
 * decides how the JSON is read (established against cedar-wasm 4.13):
 * - entity: any entity reference form (`{type, id}` or `__entity`; extra keys ignored);
 * - extension: `{"__extn": {fn, arg|args}}`, a bare `{fn, arg|args}`, or any other value
 *   handed to the type's constructor — `"10.0.0.1"` → `ip("10.0.0.1")` (so a number is
 *   "expected string, got long", and `"ip(\"…\")"` is an invalid address);
 * - set: must be an array; each element read with the element type;
 * - record: must be an object; it is a record whatever its keys (`{"__entity": …}` included);
 *   keys the type does not declare are refused, and so are missing required attributes;
 * - Bool, Long, String: read as schemaless values.
 *
 * This is the reading step only: whether the values then have the declared types (a string
 * where a Long is due, a decimal where an ipaddr is due, an entity of another type) is the
 * conformance check (`json/conform`), which Cedar applies to entities always and to a
 * request's context only when it validates the request.
 */
import type { Schema } from '../schema/schema.js';
import type { RecordType, SchemaType } from '../schema/types.js';
import { typeToString } from '../schema/types.js';
import { CedarRecord, CedarSet, typeOfValue, type Value, valueToCedar } from '../values/value.js';
import { checkConforms } from './conform.js';
import { EXPR_ESCAPE_MESSAGE, readEntityRef } from './entity-ref.js';
import { child, type Path } from './errors.js';
import { callExtension, constructorOf, isReadable, readFnAndArgs } from './extension.js';
import { type LimitOptions, maxDepthOf } from './limits.js';
import { checkString, definedKeys, isPlainObject, own } from './raw.js';
import { checkDepth, fail, type Site, site } from './site.js';
import { parseValueAt } from './value.js';

/** Read `v` (inside `depth` arrays/objects of its document) as a value of type `t`. */
export function parseTypedAt(v: unknown, t: SchemaType, at: Site, path: Path | undefined, depth: number): Value {
  switch (t.kind) {
    case 'Entity':
      return readEntityRef(v, at, path);
    case 'Extension':
      return parseExtension(v, t.name, at, path, depth);
    case 'Set': {
      if (!Array.isArray(v)) throw mismatch(v, t, at, path, depth);
      checkDepth(at, path, depth + 1);
      const items: Value[] = [];
      for (let i = 0; i < v.length; i++) items.push(parseTypedAt(v[i], t.element, at, child(path, i), depth + 1));
      return CedarSet.of(items);
    }
    case 'Record':
      if (!isPlainObject(v)) throw mismatch(v, t, at, path, depth);
      return parseRecordAt(v, t, at, path, depth);
    default:
      return parseValueAt(v, at, path, depth);
  }
}

/** Read an object as a record of type `t` (the caller checked it is a plain object). */
export function parseRecordAt(
  v: { readonly [k: string]: unknown },
  t: RecordType,
  at: Site,
  path: Path | undefined,
  depth: number,
): CedarRecord {
  checkDepth(at, path, depth + 1);
  const map = new Map<string, Value>();
  for (const k of definedKeys(v)) {
    checkString(k, at, path);
    const attr = t.attributes.get(k);
    if (attr === undefined) {
      if (!t.additionalAttributes) {
        throw fail('schema', at, child(path, k), `record attribute \`${k}\` should not exist according to the schema`);
      }
      map.set(k, parseValueAt(v[k], at, child(path, k), depth + 1));
    } else {
      map.set(k, parseTypedAt(v[k], attr.type, at, child(path, k), depth + 1));
    }
  }
  for (const [name, attr] of t.attributes) {
    if (attr.required && !map.has(name)) {
      throw fail('schema', at, path, `expected the record to have an attribute \`${name}\`, but it does not`);
    }
  }
  return new CedarRecord(map);
}

function parseExtension(v: unknown, extension: string, at: Site, path: Path | undefined, depth: number): Value {
  if (isPlainObject(v)) {
    if (typeof own(v, '__expr') === 'string') throw fail('escape', at, path, EXPR_ESCAPE_MESSAGE);
    // Cedar tries the explicit `__extn` form, then a bare `{fn, arg|args}`; a candidate
    // argument that is not readable JSON makes that form fail over to the next one.
    const readable = (x: unknown): boolean => isReadable(x, at, depth + 2);
    const explicit = readFnAndArgs(own(v, '__extn'), readable);
    const call = explicit ?? readFnAndArgs(v, readable);
    if (call !== undefined) {
      const base = child(explicit === undefined ? path : child(path, '__extn'), call.key);
      const args =
        call.key === 'arg'
          ? [parseValueAt(call.args[0], at, base, depth + 2)]
          : call.args.map((a, i) => parseValueAt(a, at, child(base, i), depth + 3));
      return callExtension(call.fn, args, at, path);
    }
  }
  return callExtension(constructorOf(extension), [parseValueAt(v, at, path, depth)], at, path);
}

/** "type mismatch" for a JSON value of the wrong JSON kind (read it first, to show it as Cedar does). */
function mismatch(v: unknown, t: SchemaType, at: Site, path: Path | undefined, depth: number) {
  const actual = parseValueAt(v, at, path, depth);
  return fail(
    'schema',
    at,
    path,
    `type mismatch: value was expected to have type ${typeToString(t)}, but it actually has type ${typeOfValue(actual)}: \`${valueToCedar(actual)}\``,
  );
}

export interface ParseTypedOptions extends LimitOptions {
  /** When given, also check the value conforms to the type (enumerated ids need it). */
  readonly schema?: Schema | undefined;
}

/** Parse one Cedar JSON value the schema types as `type`. Throws {@link InputError}. */
export function parseTypedValue(json: unknown, type: SchemaType, opts: ParseTypedOptions = {}): Value {
  const at = site('', undefined, maxDepthOf(opts));
  const v = parseTypedAt(json, type, at, undefined, 0);
  if (opts.schema !== undefined) checkConforms(v, type, opts.schema, at, undefined);
  return v;
}
