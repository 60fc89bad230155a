/**
 * @module canonical-json
 * One byte sequence per JSON value, so that a signature or a digest made in one process
 * verifies in another: object keys sorted by UTF-16 code units (as RFC 8785 does), no
 * whitespace, strings and numbers as `JSON.stringify` writes them, `undefined` members left
 * out (`undefined` array elements and holes are `null`, as in `JSON.stringify`). `bigint`
 * (Cedar Longs) is written as its decimal digits in a string. Cycles and non-finite numbers
 * are refused: neither has a JSON form.
 *
 * The text is built directly as one string; only strings that need escaping (a quote, a
 * backslash, a control character or a surrogate) go through `JSON.stringify`. The output is
 * byte-for-byte what `JSON.stringify` of the key-sorted value gives (property-tested).
 */
import { CedarRecord, CedarSet, EntityUID, type Value } from '@mandate/core';
import { OpsError } from './errors.js';

const MAX_DEPTH = 256;

/** `JSON.stringify(s)`, without the call for the usual string that needs no escape. */
function quote(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // `"` (34), `\` (92), control characters, and surrogates (JSON.stringify escapes lone ones).
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return `"${s}"`;
}

/**
 * Keys in UTF-16 code-unit order, as `Array.prototype.sort()` orders them (`<` on strings is
 * that order): an insertion sort for the few keys an object usually has, which is several
 * times cheaper than the generic sort; the generic sort beyond that.
 */
function sortKeys(keys: string[]): string[] {
  const n = keys.length;
  if (n > 24) return keys.sort();
  for (let i = 1; i < n; i++) {
    const k = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > k) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

function write(v: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new OpsError('options', `value nested deeper than ${MAX_DEPTH} levels`);
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new OpsError('options', `\`${v}\` has no JSON form`);
      return String(v); // what JSON.stringify writes for a finite number (-0 included: `0`)
    case 'bigint':
      return `"${v.toString()}"`;
    case 'object':
      break;
    default:
      return 'null';
  }
  if (v === null) return 'null';
  const toJson = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJson === 'function') return write(toJson.call(v), depth + 1);
  if (Array.isArray(v)) {
    const n = v.length;
    let s = '[';
    for (let i = 0; i < n; i++) {
      if (i > 0) s += ',';
      const x: unknown = v[i];
      s += write(x === undefined ? null : x, depth + 1);
    }
    return `${s}]`;
  }
  const keys = sortKeys(Object.keys(v));
  let s = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    if (first) first = false;
    else s += ',';
    s += `${quote(k)}:${write(x, depth + 1)}`;
  }
  return `${s}}`;
}

/** The canonical JSON text of `value` (see the module comment). Throws `OpsError` for cycles (by depth) and non-finite numbers. */
export function canonicalJson(value: unknown): string {
  return write(value, 0);
}

const MAX_SAFE = 2n ** 53n - 1n;

/**
 * `canonicalJson(valueToJson(value))` for a Cedar value, written directly: none of
 * `valueToJson`'s intermediate objects are built (property-tested equal, depth limit included).
 */
export function canonicalValueJson(value: Value): string {
  return writeValue(value, 0);
}

function writeValue(v: Value, depth: number): string {
  if (depth > MAX_DEPTH) throw new OpsError('options', `value nested deeper than ${MAX_DEPTH} levels`);
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      // valueToJson: a number when it is exact as one, else the bigint (digits in a string here).
      return v >= -MAX_SAFE && v <= MAX_SAFE ? v.toString() : `"${v.toString()}"`;
  }
  if (v instanceof EntityUID) {
    if (depth + 2 > MAX_DEPTH) throw new OpsError('options', `value nested deeper than ${MAX_DEPTH} levels`);
    return `{"__entity":{"id":${quote(v.id)},"type":${quote(v.type)}}}`;
  }
  if (v instanceof CedarSet) {
    const items = v.items;
    let s = '[';
    for (let i = 0; i < items.length; i++) {
      if (i > 0) s += ',';
      s += writeValue(items[i] as Value, depth + 1);
    }
    return `${s}]`;
  }
  if (v instanceof CedarRecord) {
    const names: string[] = [];
    const values: Value[] = [];
    v.every((name, x) => {
      names.push(name);
      values.push(x);
      return true;
    });
    const order = sortedOrder(names);
    let s = '{';
    for (let i = 0; i < order.length; i++) {
      const j = order[i] as number;
      if (i > 0) s += ',';
      s += `${quote(names[j] as string)}:${writeValue(values[j] as Value, depth + 1)}`;
    }
    return `${s}}`;
  }
  return write({ __extn: v.toExtnJson() }, depth);
}

/** Indices of `names` in the order `sortKeys` puts them. */
function sortedOrder(names: readonly string[]): number[] {
  const n = names.length;
  const order: number[] = new Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n > 24) return order.sort((a, b) => ((names[a] as string) < (names[b] as string) ? -1 : 1));
  for (let i = 1; i < n; i++) {
    const k = order[i] as number;
    const name = names[k] as string;
    let j = i - 1;
    while (j >= 0 && (names[order[j] as number] as string) > name) {
      order[j + 1] = order[j] as number;
      j--;
    }
    order[j + 1] = k;
  }
  return order;
}
