/**
 * @module canonical-json
 * One byte sequence per JSON value, so that a signature or a digest made in one process
 * verifies in another: object keys sorted by UTF-16 code units (as RFC 8785 does), no
 * whitespace, strings and numbers as `JSON.stringify` writes them, `undefined` members left
 * out. `bigint` (Cedar Longs) is written as its decimal digits in a string. Cycles and
 * non-finite numbers are refused: neither has a JSON form.
 */
import { OpsError } from './errors.js';

const MAX_DEPTH = 256;

function write(v: unknown, out: string[], depth: number): void {
  if (depth > MAX_DEPTH) throw new OpsError('options', `value nested deeper than ${MAX_DEPTH} levels`);
  switch (typeof v) {
    case 'string':
    case 'boolean':
      out.push(JSON.stringify(v));
      return;
    case 'number':
      if (!Number.isFinite(v)) throw new OpsError('options', `\`${v}\` has no JSON form`);
      out.push(JSON.stringify(v));
      return;
    case 'bigint':
      out.push(`"${v.toString()}"`);
      return;
    case 'object':
      break;
    default:
      out.push('null');
      return;
  }
  if (v === null) {
    out.push('null');
    return;
  }
  const withJson = v as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') {
    write(withJson.toJSON(), out, depth + 1);
    return;
  }
  if (Array.isArray(v)) {
    out.push('[');
    v.forEach((x, i) => {
      if (i > 0) out.push(',');
      write(x === undefined ? null : x, out, depth + 1);
    });
    out.push(']');
    return;
  }
  const keys = Object.keys(v).sort();
  out.push('{');
  let first = true;
  for (const k of keys) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(k), ':');
    write(x, out, depth + 1);
  }
  out.push('}');
}

/** The canonical JSON text of `value` (see the module comment). Throws `OpsError` for cycles (by depth) and non-finite numbers. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, 0);
  return out.join('');
}
