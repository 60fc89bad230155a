/**
 * @module canonical
 * Canonical JSON and digests. Approvals bind to "the digest of the input" and closed intents
 * to "the digest of the cart", so two parties must compute the same bytes for the same value:
 * object keys sorted by UTF-16 code units, no whitespace, strings and numbers as
 * `JSON.stringify` writes them (RFC 8785, the JSON Canonicalization Scheme, for the values
 * this package meets). A `bigint` is written as its decimal digits, so `100n` and `100`
 * digest alike (the same amount), and integers beyond 2^53 keep every digit.
 *
 * Values JSON cannot represent faithfully (`undefined`, functions, symbols, `NaN`,
 * `Infinity`, cycles, non-plain objects such as `Date`) are refused rather than dropped, so
 * a digest never silently covers less than the value.
 */
import { createHash } from 'node:crypto';
import { GuardError } from './errors.js';

/** Deepest nesting accepted; inputs come from agents and must not exhaust the stack. */
export const MAX_CANONICAL_DEPTH = 64;

/** The canonical JSON text of `value`. Throws {@link GuardError} of kind `input` with the path of a value that has no JSON form. */
export function canonicalJson(value: unknown, path = '$'): string {
  const out: string[] = [];
  write(value, path, 0, out);
  return out.join('');
}

/** `sha256:<hex>` of the canonical JSON of `value`. */
export function digestOf(value: unknown, path = '$'): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value, path), 'utf8').digest('hex')}`;
}

/** Whether `s` has the form of a digest from {@link digestOf}. */
export function isDigest(s: unknown): s is string {
  return typeof s === 'string' && /^sha256:[0-9a-f]{64}$/.test(s);
}

function write(v: unknown, path: string, depth: number, out: string[]): void {
  if (depth > MAX_CANONICAL_DEPTH)
    throw new GuardError('input', `value nested deeper than ${MAX_CANONICAL_DEPTH} levels`, path);
  switch (typeof v) {
    case 'string':
      out.push(JSON.stringify(v));
      return;
    case 'boolean':
      out.push(v ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(v)) throw new GuardError('input', `\`${v}\` has no JSON form`, path);
      out.push(JSON.stringify(v));
      return;
    case 'bigint':
      out.push(v.toString());
      return;
    case 'object':
      break;
    default:
      throw new GuardError('input', `a \`${typeof v}\` has no JSON form`, path);
  }
  if (v === null) {
    out.push('null');
    return;
  }
  if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      write(v[i], `${path}[${i}]`, depth + 1, out);
    }
    out.push(']');
    return;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null)
    throw new GuardError('input', `a \`${proto?.constructor?.name ?? 'object'}\` is not plain JSON data`, path);
  // Own enumerable string keys only; the default sort compares UTF-16 code units, as RFC 8785 asks.
  const keys = Object.keys(v).sort();
  out.push('{');
  let first = true;
  for (const k of keys) {
    const x = (v as Record<string, unknown>)[k];
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(k), ':');
    write(x, `${path}.${k}`, depth + 1, out);
  }
  out.push('}');
}
