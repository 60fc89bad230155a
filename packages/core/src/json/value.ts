/**
 * @module json/value
 * Cedar JSON → runtime values, without a schema (Cedar's `CedarValueJson`).
 *
 * booleans → Bool; integers (JS numbers strictly inside ±2^63, or bigints in i64) → Long as
 * `bigint`; strings → String; arrays → Set (deduplicated); objects → Record (every key is
 * data, `__proto__` included). `null` anywhere is refused, as are fractions and numbers
 * beyond i64.
 *
 * Escapes, established against cedar-wasm: an object is an escape only when it has exactly
 * one key and that key's value has the escape's shape —
 * - `{"__entity": {"type": string, "id": string, …}}` → an entity reference;
 * - `{"__extn": {"fn": string, "arg": v}}` or `{"__extn": {"fn": string, "args": [v…]}}` →
 *   the function's result (`arg` wins when both are present);
 * - `{"__expr": string}` → refused (the escape was removed from Cedar).
 * Otherwise it is an ordinary record: `{"__entity": {…}, "x": 1}`, `{"__entity": "A::\"a\""}`,
 * `{"__extn": {"fn": "ip"}}` and `{"type": "A", "id": "a"}` are records. Keys beside the
 * escape's own (`{"__entity": {"type", "id", "note": null}}`) are ignored but must still be
 * JSON Cedar can read (a `null` is fine there, a fraction is not).
 */
import { CedarRecord, CedarSet, type Value } from '../values/value.js';
import { EXPR_ESCAPE_MESSAGE, isTypeAndId, makeUid } from './entity-ref.js';
import { child, type Path } from './errors.js';
import { callExtension, readFnAndArgs } from './extension.js';
import { type LimitOptions, maxDepthOf } from './limits.js';
import { checkString, definedKeys, isPlainObject, longOrFail, rawCheckOthers, unsupported } from './raw.js';
import { checkDepth, fail, type Site, site } from './site.js';

export const NULL_MESSAGE = 'found a `null`; JSON `null`s are not allowed in Cedar';

/**
 * Parse `v`, which sits inside `depth` arrays/objects of its input document.
 * Recursion is bounded by the site's `maxDepth` (checked before descending).
 */
export function parseValueAt(v: unknown, at: Site, path: Path | undefined, depth: number): Value {
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'string':
      return checkString(v, at, path);
    case 'number':
    case 'bigint':
      return longOrFail(v, at, path);
    case 'undefined':
      throw fail('json', at, path, NULL_MESSAGE);
  }
  if (v === null) throw fail('json', at, path, NULL_MESSAGE);
  if (Array.isArray(v)) {
    checkDepth(at, path, depth + 1);
    const items: Value[] = [];
    for (let i = 0; i < v.length; i++) items.push(parseValueAt(v[i], at, child(path, i), depth + 1));
    return CedarSet.of(items);
  }
  if (!isPlainObject(v)) return unsupported(v, at, path);
  checkDepth(at, path, depth + 1);
  const keys = definedKeys(v);
  if (keys.length === 1) {
    const key = keys[0] as string;
    const inner = v[key];
    if (key === '__expr' && typeof inner === 'string') throw fail('escape', at, path, EXPR_ESCAPE_MESSAGE);
    if (key === '__entity' && isTypeAndId(inner)) {
      const p = child(path, key);
      checkDepth(at, p, depth + 2);
      rawCheckOthers(inner, ['type', 'id'], at, p, depth + 2);
      return makeUid(inner, at, p);
    }
    if (key === '__extn') {
      const call = readFnAndArgs(inner);
      if (call !== undefined && isPlainObject(inner)) {
        const p = child(path, key);
        checkDepth(at, p, depth + 2);
        rawCheckOthers(inner, ['fn', call.key], at, p, depth + 2);
        const ap = child(p, call.key);
        let args: Value[];
        if (call.key === 'arg') args = [parseValueAt(call.args[0], at, ap, depth + 2)];
        else {
          checkDepth(at, ap, depth + 3);
          args = call.args.map((a, i) => parseValueAt(a, at, child(ap, i), depth + 3));
        }
        return callExtension(call.fn, args, at, path);
      }
    }
  }
  const map = new Map<string, Value>();
  for (const k of keys) {
    checkString(k, at, path);
    map.set(k, parseValueAt(v[k], at, child(path, k), depth + 1));
  }
  return new CedarRecord(map);
}

/** Parse one schemaless Cedar JSON value (as in an attribute). Throws {@link InputError}. */
export function parseValue(json: unknown, opts: LimitOptions = {}): Value {
  return parseValueAt(json, site('', undefined, maxDepthOf(opts)), undefined, 0);
}
