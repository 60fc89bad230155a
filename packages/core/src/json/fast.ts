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
import { nameProblem } from './names.js';
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

/** Whether `x` has exactly one enumerable key (own or inherited), counted without allocating. */
function hasOneKey(x: object): boolean {
  let n = 0;
  for (const _ in x) if (++n > 1) return false;
  return n === 1;
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

function fastSet(v: readonly unknown[], depth: number, maxDepth: number): CedarSet | undefined {
  const n = v.length;
  // Deduplicated as read while every element is a primitive (`===` is Cedar's equality for
  // booleans, strings and Longs); the first entity, record, set or extension value switches
  // to `CedarSet.of`, which compares by value.
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
  if (hasOneKey(v)) {
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
    if (k === '__entity') return hasOneKey(v) && ownKey.call(v, k) ? exactTypeAndId(v[k], remember) : undefined;
    break;
  }
  return typeAndIdOf(v, remember);
}
