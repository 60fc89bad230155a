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

const hasOwn = Object.hasOwn;
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
 * Uids read by the fast path, by type then id, so a reference seen before costs two map
 * lookups and no name check. Bounded: cleared when full.
 */
const UIDS = new Map<string, Map<string, EntityUID>>();
let uidCount = 0;
const MAX_UIDS = 10_000;

function fastUid(type: unknown, id: unknown, remember: boolean): EntityUID | undefined {
  if (typeof type !== 'string' || typeof id !== 'string') return undefined;
  let ids = UIDS.get(type);
  const hit = ids?.get(id);
  if (hit !== undefined) return hit;
  if (nameProblem(type) !== undefined || !isWellFormed(type) || !isWellFormed(id)) return undefined;
  const uid = new EntityUID(type, id);
  if (!remember) return uid;
  if (uidCount >= MAX_UIDS) {
    UIDS.clear();
    uidCount = 0;
    ids = undefined;
  }
  if (ids === undefined) {
    ids = new Map();
    UIDS.set(type, ids);
  }
  ids.set(id, uid);
  uidCount++;
  return uid;
}

/** `{type, id}` with exactly those two own keys, or undefined. */
function exactTypeAndId(x: unknown, remember = true): EntityUID | undefined {
  if (!isPlainObject(x) || !hasOwn(x, 'type') || !hasOwn(x, 'id') || countKeys(x) !== 2) return undefined;
  return fastUid(x.type, x.id, remember);
}

/**
 * Enumerable keys, own and inherited, counted without allocating (`Object.keys` makes an
 * array). An inherited one (a polluted prototype) only makes the fast path decline.
 */
function countKeys(x: object): number {
  let n = 0;
  for (const _ in x) n++;
  return n;
}

/** `fn(arg)` for `{fn, arg}` with exactly those two own keys and a string argument, or undefined. */
function exactCall(x: unknown, depth: number, maxDepth: number): Value | undefined {
  if (!isPlainObject(x) || depth > maxDepth) return undefined;
  const keys = keysOf(x);
  if (keys.length !== 2 || !hasOwn(x, 'fn') || !hasOwn(x, 'arg')) return undefined;
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
  if (isArray(v)) {
    const n = v.length;
    const items: Value[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const x = fastValue(v[i], depth + 1, maxDepth);
      if (x === undefined) return undefined;
      items[i] = x;
    }
    return CedarSet.of(items);
  }
  if (!isPlainObject(v)) return undefined;
  const keys = keysOf(v);
  if (keys.length === 1) {
    const k = keys[0] as string;
    // Escapes: only their exact forms here; every other one-key `__` object (a record, an
    // `__expr`, an escape with extra fields) is for the full path to judge.
    if (k === '__entity') return depth + 2 > maxDepth ? undefined : exactTypeAndId(v[k]);
    if (k === '__extn') return exactCall(v[k], depth + 2, maxDepth);
    if (k === '__expr') return undefined;
  }
  return fastRecord(v, keys, depth, maxDepth);
}

function fastRecord(v: JsonObject, keys: readonly string[], depth: number, maxDepth: number): CedarRecord | undefined {
  const n = keys.length;
  const values: Value[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i] as string;
    if (!isWellFormed(k)) return undefined;
    const x = fastValue(v[k], depth + 1, maxDepth);
    if (x === undefined) return undefined;
    values[i] = x;
  }
  // `keys` are the object's own keys: distinct, and ours (Object.keys made a fresh array).
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
  const keys = keysOf(v);
  const n = keys.length;
  const values: Value[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i] as string;
    const attr = t.attributes.get(k);
    // Undeclared attributes, and keys bound to `undefined` (absent), are the full path's.
    if (attr === undefined || !isWellFormed(k)) return undefined;
    const x = fastTyped(v[k], attr.type, depth + 1, maxDepth, schema);
    if (x === undefined) return undefined;
    values[i] = x;
  }
  const record = CedarRecord.fromArrays(keys, values);
  if (n !== t.attributes.size) {
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
  if (hasOwn(v, '__entity')) return countKeys(v) === 1 ? exactTypeAndId(v.__entity, remember) : undefined;
  return exactTypeAndId(v, remember);
}
