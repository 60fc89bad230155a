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
