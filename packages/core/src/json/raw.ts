/**
 * @module json/raw
 * The JavaScript side of Cedar JSON: which JS values count as JSON, how object keys are
 * read without touching prototypes, and the checks Cedar applies to every JSON value before
 * it interprets it (integers within i64, well-formed strings, bounded nesting).
 *
 * Input may come from `JSON.parse`, from a lossless parser that yields `bigint` for integers
 * beyond 2^53, or be built by hand. Plain objects (prototype `Object.prototype`, `null`, or
 * another realm's `Object.prototype`) are JSON objects; arrays are arrays. Everything else —
 * `Map`, `Set`, `Date`, boxed primitives, functions, class instances, symbols — is refused:
 * cedar-wasm's bridge quietly turns some of them into `{}` or unwraps them, which hides
 * mistakes rather than representing data.
 *
 * Keys whose value is `undefined` are absent (as in `JSON.stringify`, and as cedar-wasm
 * treats them); an `undefined` array element is a `null`.
 */
import { I64_MAX, I64_MIN } from '../values/value.js';
import type { Path } from './errors.js';
import { checkDepth, fail, type Site } from './site.js';

export type JsonObject = { readonly [key: string]: unknown };

const objectProto = Object.prototype;
const getProto = Object.getPrototypeOf;
const hasOwn = Object.hasOwn;
const keysOf = Object.keys;
const isArray = Array.isArray;

export function isPlainObject(v: unknown): v is JsonObject {
  if (typeof v !== 'object' || v === null || isArray(v)) return false;
  const proto = getProto(v) as object | null;
  // A null-prototype object, an ordinary one, or an ordinary one from another realm
  // (whose Object.prototype is not ours but is itself prototype-less).
  return proto === null || proto === objectProto || getProto(proto) === null;
}

/** An own property's value, never an inherited one (`constructor`, `__proto__`, `toString`). */
export function own(o: JsonObject, key: string): unknown {
  return hasOwn(o, key) ? o[key] : undefined;
}

/** Own enumerable keys that hold a value (keys bound to `undefined` are absent). */
export function definedKeys(o: JsonObject): string[] {
  const keys = keysOf(o);
  for (const k of keys) {
    if (o[k] === undefined) return keys.filter((x) => o[x] !== undefined);
  }
  return keys;
}

const LONE_SURROGATE = /\p{Cs}/u;

/** Cedar strings are Unicode scalar values; a lone surrogate cannot be represented. */
export function isWellFormedString(s: string): boolean {
  // Node 20 has String.prototype.isWellFormed (ES2024); the regular expression is the fallback.
  const native = (s as { isWellFormed?: () => boolean }).isWellFormed;
  return native !== undefined ? native.call(s) : !LONE_SURROGATE.test(s);
}

export function checkString(s: string, at: Site, path: Path | undefined): string {
  if (!isWellFormedString(s))
    throw fail('json', at, path, `string ${showJson(s)} contains a lone surrogate, which is not valid Unicode`);
  return s;
}

/**
 * A Cedar Long from a JS number or bigint, or undefined when it is not one.
 *
 * A number beyond 2^53 stands for the integer its shortest decimal form spells
 * (`String(2 ** 60)` is `1152921504606847000`), not for the binary double's exact value
 * (…846976): that is the integer a JSON text holding that literal meant, and the value
 * cedar-wasm reads (its bridge goes through `JSON.stringify`). The same rule makes `-2^63`
 * as a number out of range (it prints as `-9223372036854776000`). For exact big integers,
 * pass a bigint: the whole i64 range is accepted.
 */
export function toLong(v: number | bigint): bigint | undefined {
  if (typeof v === 'bigint') return v >= I64_MIN && v <= I64_MAX ? v : undefined;
  if (Number.isSafeInteger(v)) return BigInt(v);
  if (!Number.isInteger(v)) return undefined;
  const digits = String(v);
  if (digits.includes('e')) return undefined;
  const n = BigInt(digits);
  return n >= I64_MIN && n <= I64_MAX ? n : undefined;
}

export function longOrFail(v: number | bigint, at: Site, path: Path | undefined): bigint {
  const n = toLong(v);
  if (n === undefined) {
    throw fail(
      'json',
      at,
      path,
      `\`${String(v)}\` is not a Cedar long: numbers must be integers in the signed 64-bit range`,
    );
  }
  return n;
}

/** Compact JSON for messages (bigints as digits), cut short when long. */
export function showJson(v: unknown): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(v, (_k, x: unknown) =>
      typeof x === 'bigint' ? (Number.isSafeInteger(Number(x)) ? Number(x) : `${x}n`) : x,
    );
  } catch {
    s = undefined;
  }
  if (s === undefined) s = typeof v === 'function' ? 'function' : String(v);
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}

/** What a JS value is, in serde's words, for "invalid type: X, expected Y" messages. */
export function jsonKind(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return `boolean \`${v}\``;
  if (typeof v === 'number') return Number.isInteger(v) ? `integer \`${v}\`` : `floating point \`${v}\``;
  if (typeof v === 'bigint') return `integer \`${v}\``;
  if (typeof v === 'string') return `string ${showJson(v)}`;
  if (isArray(v)) return 'sequence';
  if (isPlainObject(v)) return 'map';
  return unsupportedKind(v);
}

export function unsupportedKind(v: unknown): string {
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'object' && v !== null) {
    const name = (getProto(v) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof name === 'string' && name !== '' ? `a \`${name}\` object` : 'an object that is not plain JSON';
  }
  return `\`${String(v)}\``;
}

export function unsupported(v: unknown, at: Site, path: Path | undefined): never {
  throw fail(
    'json',
    at,
    path,
    `${unsupportedKind(v)} is not JSON; expected a boolean, number, string, array or plain object`,
  );
}

/**
 * Check a value Cedar reads but then ignores (extra fields beside an escape's): it must
 * still be JSON Cedar can read — `null` is fine there, a fraction is not. `depth` counts the
 * arrays/objects enclosing `v` (see {@link checkDepth}).
 */
export function rawCheck(v: unknown, at: Site, path: Path | undefined, depth: number): void {
  switch (typeof v) {
    case 'boolean':
    case 'undefined':
      return;
    case 'string':
      checkString(v, at, path);
      return;
    case 'number':
    case 'bigint':
      longOrFail(v, at, path);
      return;
  }
  if (v === null) return;
  if (isArray(v)) {
    checkDepth(at, path, depth + 1);
    for (let i = 0; i < v.length; i++) rawCheck(v[i], at, { parent: path, key: i }, depth + 1);
    return;
  }
  if (isPlainObject(v)) {
    checkDepth(at, path, depth + 1);
    for (const k of keysOf(v)) {
      checkString(k, at, path);
      rawCheck(v[k], at, { parent: path, key: k }, depth + 1);
    }
    return;
  }
  unsupported(v, at, path);
}

/**
 * Every key of `o` except `skip`, raw-checked (see {@link rawCheck}); `depth` is the depth
 * of `o` itself.
 */
export function rawCheckOthers(
  o: JsonObject,
  skip: readonly string[],
  at: Site,
  path: Path | undefined,
  depth: number,
): void {
  for (const k of keysOf(o)) {
    if (!skip.includes(k)) {
      checkString(k, at, path);
      rawCheck(o[k], at, { parent: path, key: k }, depth);
    }
  }
}
