/**
 * @module json/fast
 * The fast path of the data boundary: reads the common shapes of Cedar JSON — booleans, safe
 * integers, well-formed strings, arrays, plain objects, exact `{"__entity": {type, id}}` and
 * `{"__extn": {fn, arg}}` escapes, and (with a schema type) the lenient forms a type allows —
 * without tracking a JSON path or a place for messages, and answers `undefined` for anything
 * else. `undefined` means "take the full path": the caller re-reads the input with
 * `json/value`/`json/typed`, which either accepts it (an unusual but valid shape) or throws
 * the exact error. So the fast path decides nothing on its own: what it accepts, it reads to
 * the very value the full path gives (a property test holds it to that), and what it does
 * not accept costs one extra read. This is zod's "compiled fast path that refuses what it
 * cannot do exactly".
 *
 * Agents send small contexts on every tool call; the full reader's per-value bookkeeping
 * (a path node per attribute, a site, key filtering) is most of a request's cost at the
 * boundary, and none of it is needed unless something is wrong.
 */
import { EXTENSION_FUNCTIONS } from '../extensions/index.js';
import type { Schema } from '../schema/schema.js';
import type { RecordType, SchemaType } from '../schema/types.js';
import { CedarRecord, CedarSet, EntityUID, ExtensionValue, I64_MAX, I64_MIN, type Value } from '../values/value.js';
import { isValidEnumId } from './conform.js';
import { constructorOf } from './extension.js';
import { isActionTypeName, nameProblem } from './names.js';
import type { ParsedEntity } from './parsed-entity.js';
import { isPlainObject, type JsonObject } from './raw.js';

/**
 * Objects are walked with `for…in` and `Object.prototype.hasOwnProperty.call(o, k)`: inside
 * such a loop V8 reads `o[k]` through the object's enum cache and proves the own-key check
 * true for fast objects, where `Object.keys(o)` then `o[k]` is a megamorphic keyed load per
 * key (measured: ~25 vs ~120 ns over a 10-attribute context; `Object.hasOwn` is not
 * optimized this way). An inherited enumerable key (a polluted prototype) fails the check
 * and the fast path declines.
 */
const ownKey = Object.prototype.hasOwnProperty;
const keysOf = Object.keys;
const isArray = Array.isArray;
const isSafeInteger = Number.isSafeInteger;

/** Longs for small integers, shared: `BigInt(n)` allocates on every call. */
const SMALL_MIN = -128;
const SMALL_MAX = 1023;
const SMALL_LONGS: bigint[] = [];
for (let i = SMALL_MIN; i <= SMALL_MAX; i++) SMALL_LONGS.push(BigInt(i));

function fastLong(n: number): bigint | undefined {
  if (!isSafeInteger(n)) return undefined;
  return n >= SMALL_MIN && n <= SMALL_MAX ? (SMALL_LONGS[n - SMALL_MIN] as bigint) : BigInt(n);
}

/**
 * Cedar strings are Unicode scalar values (no lone surrogates). `String.prototype.isWellFormed`
 * is in every supported Node (≥ 20.19); called directly, V8 inlines it.
 */
function isWellFormed(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/**
 * Uids read by the fast path, by id (the type is compared on a hit: one map lookup instead of
 * two), so a reference seen before costs one lookup and no name check. Bounded: cleared when
 * full. Two types sharing an id take turns in the slot, which costs only speed.
 */
const UIDS = new Map<string, EntityUID>();
const MAX_UIDS = 10_000;

function fastUid(type: unknown, id: unknown, remember: boolean): EntityUID | undefined {
  if (typeof type !== 'string' || typeof id !== 'string') return undefined;
  const hit = UIDS.get(id);
  if (hit !== undefined && hit.type === type) return hit;
  if (nameProblem(type) !== undefined || !isWellFormed(type) || !isWellFormed(id)) return undefined;
  const uid = new EntityUID(type, id);
  if (!remember) return uid;
  if (UIDS.size >= MAX_UIDS) UIDS.clear();
  UIDS.set(id, uid);
  return uid;
}

/** `{type, id}` with exactly those two own keys, or undefined. */
function exactTypeAndId(x: unknown, remember = true): EntityUID | undefined {
  return isPlainObject(x) ? typeAndIdOf(x, remember) : undefined;
}

function typeAndIdOf(x: JsonObject, remember: boolean): EntityUID | undefined {
  let n = 0;
  for (const k in x) {
    if ((k !== 'type' && k !== 'id') || !ownKey.call(x, k)) return undefined;
    n++;
  }
  // Two distinct keys, each `type` or `id`: both are there.
  return n === 2 ? fastUid(x.type, x.id, remember) : undefined;
}

/**
 * How many enumerable keys `x` has, all own; -1 when one is inherited (a polluted prototype:
 * the fast path declines). Counted without allocating.
 */
function ownKeyCount(x: object): number {
  let n = 0;
  for (const k in x) {
    if (!ownKey.call(x, k)) return -1;
    n++;
  }
  return n;
}

/** `fn(arg)` for `{fn, arg}` with exactly those two own keys and a string argument, or undefined. */
function exactCall(x: unknown, depth: number, maxDepth: number): Value | undefined {
  if (!isPlainObject(x) || depth > maxDepth) return undefined;
  let n = 0;
  for (const k in x) {
    if ((k !== 'fn' && k !== 'arg') || !ownKey.call(x, k)) return undefined;
    n++;
  }
  if (n !== 2) return undefined;
  const { fn, arg } = x;
  if (typeof fn !== 'string' || typeof arg !== 'string' || !isWellFormed(arg)) return undefined;
  return applyExtension(fn, arg);
}

function applyExtension(fn: string, arg: string): Value | undefined {
  const f = EXTENSION_FUNCTIONS.get(fn);
  if (f === undefined) return undefined;
  try {
    return f.call([arg]);
  } catch {
    return undefined; // the full path says why
  }
}

/**
 * A schemaless Cedar JSON value (see `json/value`) nested inside `depth` arrays/objects of
 * its document, or undefined to take the full path.
 */
export function fastValue(v: unknown, depth: number, maxDepth: number): Value | undefined {
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'string':
      return isWellFormed(v) ? v : undefined;
    case 'number':
      return fastLong(v);
    case 'object':
      break;
    default:
      return undefined;
  }
  if (v === null || depth + 1 > maxDepth) return undefined;
  if (isArray(v)) return fastSet(v, depth, maxDepth);
  return isPlainObject(v) ? fastObject(v, depth, maxDepth) : undefined;
}

/** Sets deduplicated by scanning as they are read (larger ones by `CedarSet.of`'s index). */
const SCAN_DEDUP_MAX = 8;

function fastSet(v: readonly unknown[], depth: number, maxDepth: number): CedarSet | undefined {
  const n = v.length;
  if (n > SCAN_DEDUP_MAX) {
    // No scan here: it would be quadratic in the size of the set.
    const all: Value[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const x = fastValue(v[i], depth + 1, maxDepth);
      if (x === undefined) return undefined;
      all[i] = x;
    }
    return CedarSet.of(all);
  }
  // Small sets are deduplicated as read while every element is a primitive (`===` is Cedar's
  // equality for booleans, strings and Longs); the first entity, record, set or extension
  // value switches to `CedarSet.of`, which compares by value.
  const items: Value[] = [];
  let primitive = true;
  for (let i = 0; i < n; i++) {
    const x = fastValue(v[i], depth + 1, maxDepth);
    if (x === undefined) return undefined;
    if (typeof x === 'object') primitive = false;
    else if (primitive && items.includes(x)) continue;
    items.push(x);
  }
  return primitive ? CedarSet.fromDistinct(items as (boolean | string | bigint)[]) : CedarSet.of(items);
}

/** Whether `k` names one of Cedar JSON's escapes (`__entity`, `__extn`, `__expr`). */
function isEscapeName(k: string): boolean {
  return k.charCodeAt(0) === 95 /* _ */ && (k === '__entity' || k === '__extn' || k === '__expr');
}

/** A plain object: a record, or (with an escape's name among its keys) {@link fastEscaped}. */
function fastObject(v: JsonObject, depth: number, maxDepth: number): Value | undefined {
  const names: string[] = [];
  const values: Value[] = [];
  for (const k in v) {
    if (!ownKey.call(v, k)) return undefined;
    if (isEscapeName(k)) return fastEscaped(v, k, depth, maxDepth);
    if (!isWellFormed(k)) return undefined;
    const x = fastValue(v[k], depth + 1, maxDepth);
    if (x === undefined) return undefined;
    names.push(k);
    values.push(x);
  }
  // `names` are the object's own keys: distinct, and ours.
  return CedarRecord.fromArrays(names, values);
}

/**
 * An object with an escape's name (`k`, an own key) among its keys: the exact escape, or a
 * record that happens to have such a key (rare).
 */
function fastEscaped(v: JsonObject, k: string, depth: number, maxDepth: number): Value | undefined {
  const n = ownKeyCount(v);
  if (n < 0) return undefined;
  if (n === 1) {
    // Escapes: only their exact forms here; every other one-key `__` object (an `__expr`, an
    // escape with extra fields) is for the full path to judge.
    if (k === '__entity') return depth + 2 > maxDepth ? undefined : exactTypeAndId(v[k]);
    if (k === '__extn') return exactCall(v[k], depth + 2, maxDepth);
    return undefined;
  }
  const keys = keysOf(v);
  const values: Value[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (!isWellFormed(k)) return undefined;
    const x = fastValue(v[k], depth + 1, maxDepth);
    if (x === undefined) return undefined;
    values[i] = x;
  }
  return CedarRecord.fromArrays(keys, values);
}

/**
 * A Cedar JSON value read as schema type `t` (see `json/typed`), or undefined to take the full
 * path. With `schema`, the value must also conform to `t` (`json/conform`): anything that
 * would not is declined, so one pass both reads and checks; without it, this is the reading
 * step only (Cedar reads a context it will not validate without checking it).
 */
export function fastTyped(
  v: unknown,
  t: SchemaType,
  depth: number,
  maxDepth: number,
  schema?: Schema,
): Value | undefined {
  switch (t.kind) {
    case 'Entity': {
      const uid = fastEntityRef(v);
      if (schema === undefined || uid === undefined) return uid;
      return uid.type === t.name && isValidEnumId(uid, schema) ? uid : undefined;
    }
    case 'Extension': {
      // The plain-string form handed to the type's constructor (`"10.0.0.1"` → `ip(…)`).
      if (typeof v !== 'string' || !isWellFormed(v)) return undefined;
      const x = applyExtension(constructorOf(t.name), v);
      if (schema === undefined || x === undefined) return x;
      return x instanceof ExtensionValue && x.extension === t.name ? x : undefined;
    }
    case 'Set': {
      if (!isArray(v) || depth + 1 > maxDepth) return undefined;
      const n = v.length;
      const items: Value[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const x = fastTyped(v[i], t.element, depth + 1, maxDepth, schema);
        if (x === undefined) return undefined;
        items[i] = x;
      }
      return CedarSet.of(items);
    }
    case 'Record':
      return isPlainObject(v) ? fastTypedRecord(v, t, depth, maxDepth, schema) : undefined;
    case 'Bool':
      return schema === undefined ? fastValue(v, depth, maxDepth) : typeof v === 'boolean' ? v : undefined;
    case 'Long':
      return schema === undefined
        ? fastValue(v, depth, maxDepth)
        : typeof v === 'number'
          ? fastLong(v)
          : typeof v === 'bigint' && v >= I64_MIN && v <= I64_MAX
            ? v
            : undefined;
    case 'String':
      return schema === undefined
        ? fastValue(v, depth, maxDepth)
        : typeof v === 'string' && isWellFormed(v)
          ? v
          : undefined;
  }
}

/**
 * A plain object read as a record of type `t` (and, with `schema`, conforming to it), or
 * undefined to take the full path.
 */
export function fastTypedRecord(
  v: JsonObject,
  t: RecordType,
  depth: number,
  maxDepth: number,
  schema?: Schema,
): CedarRecord | undefined {
  if (depth + 1 > maxDepth || t.additionalAttributes) return undefined;
  const names: string[] = [];
  const values: Value[] = [];
  for (const k in v) {
    const attr = t.attributes.get(k);
    // Undeclared attributes, and keys bound to `undefined` (absent), are the full path's.
    if (attr === undefined || !ownKey.call(v, k) || !isWellFormed(k)) return undefined;
    const x = fastTyped(v[k], attr.type, depth + 1, maxDepth, schema);
    if (x === undefined) return undefined;
    names.push(k);
    values.push(x);
  }
  const record = CedarRecord.fromArrays(names, values);
  if (names.length !== t.attributes.size) {
    for (const [name, attr] of t.attributes) if (attr.required && !record.has(name)) return undefined;
  }
  return record;
}

/**
 * An entity reference where one is due: `{type, id}` or `{"__entity": {type, id}}`, exactly.
 * `remember: false` for references seen once (an entity's own uid while loading entities):
 * keeping them would only churn the cache of repeated ones.
 */
export function fastEntityRef(v: unknown, remember = true): EntityUID | undefined {
  if (!isPlainObject(v)) return undefined;
  for (const k in v) {
    // `{"__entity": …}` exactly; with other keys it is neither form.
    if (k === '__entity') return ownKeyCount(v) === 1 ? exactTypeAndId(v[k], remember) : undefined;
    break;
  }
  return typeAndIdOf(v, remember);
}

/** Parents read without an index: a longer list takes the full path (no quadratic scan). */
const MAX_FAST_PARENTS = 16;
const NO_VALUES: ReadonlyMap<string, Value> = new Map();

/**
 * One schemaless entity of an entities document, `{uid, attrs, parents, tags?}` (other keys
 * ignored, as Cedar does; every enumerable key own), or undefined to take the full path (`json/entities`), which reads it to the
 * same entity or throws the exact error. Action entities (their parents must be actions) and
 * the array form are left to the full path. `attrs`/`tags` values are read at
 * `valuesDepth` (their depth in the document). Loading 100k entities, or 1k in a process
 * that has just started, is mostly this function: it allocates no paths and no sites.
 */
export function fastEntity(item: unknown, valuesDepth: number, maxDepth: number): ParsedEntity | undefined {
  if (!isPlainObject(item)) return undefined;
  let uidJson: unknown;
  let attrsJson: unknown;
  let parentsJson: unknown;
  let tagsJson: unknown;
  for (const k in item) {
    if (!ownKey.call(item, k)) return undefined;
    if (k === 'uid') uidJson = item[k];
    else if (k === 'attrs') attrsJson = item[k];
    else if (k === 'parents') parentsJson = item[k];
    else if (k === 'tags') tagsJson = item[k];
    // Any other key is ignored, as Cedar ignores it.
  }
  if (!isPlainObject(attrsJson) || !isArray(parentsJson) || parentsJson.length > MAX_FAST_PARENTS) return undefined;
  const uid = fastEntityRef(uidJson, false);
  if (uid === undefined || isActionTypeName(uid.type)) return undefined;
  const parents: EntityUID[] = [];
  for (let i = 0; i < parentsJson.length; i++) {
    const p = fastEntityRef(parentsJson[i]);
    if (p === undefined) return undefined;
    if (!hasUid(parents, p)) parents.push(p);
  }
  const attrs = fastValues(attrsJson, valuesDepth, maxDepth);
  if (attrs === undefined) return undefined;
  if (tagsJson === undefined) return { uid, attrs, parents, tags: NO_VALUES };
  const tags = isPlainObject(tagsJson) ? fastValues(tagsJson, valuesDepth, maxDepth) : undefined;
  return tags === undefined ? undefined : { uid, attrs, parents, tags };
}

function hasUid(list: readonly EntityUID[], u: EntityUID): boolean {
  for (let i = 0; i < list.length; i++) if ((list[i] as EntityUID).key === u.key) return true;
  return false;
}

/** An `attrs`/`tags` object as a map of schemaless values, or undefined. */
function fastValues(json: JsonObject, depth: number, maxDepth: number): Map<string, Value> | undefined {
  const out = new Map<string, Value>();
  for (const k in json) {
    if (!ownKey.call(json, k) || !isWellFormed(k)) return undefined;
    const v = fastValue(json[k], depth, maxDepth);
    if (v === undefined) return undefined;
    out.set(k, v);
  }
  return out;
}
