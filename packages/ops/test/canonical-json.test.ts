/**
 * @module canonical-json.test
 * `canonicalJson` (built as one string) writes exactly what the earlier `out.push` / `join`
 * implementation wrote, and what `JSON.stringify` writes for the value with its keys sorted.
 */
import { CedarRecord, CedarSet, EntityUID, type Value, valueToJson } from '@mandate/core';
import { canonicalJson, OpsError } from '@mandate/ops';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

/** The implementation this one replaced, verbatim but for its error type: the reference. */
function referenceCanonicalJson(value: unknown): string {
  const MAX_DEPTH = 256;
  const write = (v: unknown, out: string[], depth: number): void => {
    if (depth > MAX_DEPTH) throw new Error('depth');
    switch (typeof v) {
      case 'string':
      case 'boolean':
        out.push(JSON.stringify(v));
        return;
      case 'number':
        if (!Number.isFinite(v)) throw new Error('non-finite');
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
  };
  const out: string[] = [];
  write(value, out, 0);
  return out.join('');
}

/**
 * `JSON.stringify` with every object's keys sorted: JSON.stringify writes each scalar, the
 * structure is joined here (a key-sorted object cannot be handed to JSON.stringify itself, as
 * integer-like keys always come first in a JavaScript object).
 */
function stringifySorted(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stringifySorted).join(',')}]`;
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const o = v as Record<string, unknown>;
  const members = Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stringifySorted(o[k])}`);
  return `{${members.join(',')}}`;
}

/** Strings of every kind: ASCII, escapes, control characters, astral and lone surrogates. */
const anyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({
    unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udc00', 'é'),
  }),
);

/** JSON values, with every kind of string as keys and values. */
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    anyString,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(anyString, tie('value'), { maxKeys: 30 }), // past the insertion sort's 24 too
  ),
})).value;

/** Values beyond JSON that canonicalJson also takes: undefined, bigint, functions, toJSON. */
const extended = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(undefined),
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.bigInt(),
    anyString,
    fc.constant(() => 1),
    fc.constant(Symbol('s')),
    fc.constant(new Date(0)),
    fc.constant(new EntityUID('User', 'a"b')),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(anyString, tie('value'), { maxKeys: 8 }),
  ),
})).value;

describe('canonicalJson', () => {
  test('JSON values: exactly the reference implementation, and JSON.stringify of the key-sorted value', () => {
    fc.assert(
      fc.property(json, (v) => {
        const text = canonicalJson(v);
        expect(text).toBe(referenceCanonicalJson(v));
        expect(text).toBe(stringifySorted(v));
      }),
      { numRuns: 2000 },
    );
  });

  test('beyond JSON (undefined, bigint, functions, symbols, toJSON): exactly the reference implementation', () => {
    fc.assert(
      fc.property(extended, (v) => {
        expect(canonicalJson(v)).toBe(referenceCanonicalJson(v));
      }),
      { numRuns: 2000 },
    );
  });

  test('strings that need escaping, and those that do not, as JSON.stringify writes them', () => {
    for (const s of [
      '',
      'plain',
      'a"b',
      'a\\b',
      '\n\t\u0000\u001f',
      '\u007f',
      '\u2028',
      '😀',
      '\ud800',
      'x\udc00y',
      'é',
    ])
      expect(canonicalJson({ [s]: s })).toBe(`{${JSON.stringify(s)}:${JSON.stringify(s)}}`);
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson([1e21, 1e-7, 0.1])).toBe('[1e+21,1e-7,0.1]');
  });

  test('holes in arrays are null, as in JSON.stringify (the old implementation skipped them)', () => {
    // biome-ignore lint/suspicious/noSparseArray: the case under test
    expect(canonicalJson([1, , 2])).toBe('[1,null,2]');
  });

  test('depth and non-finite numbers are refused as before', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 300; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(OpsError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(OpsError);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(OpsError);
  });
});

describe('canonical JSON of a Cedar value (the input digest: canonicalJson(valueToJson(record)))', () => {
  test('keeps the depth limit', () => {
    let deep: Value = true;
    for (let i = 0; i < 300; i++) deep = CedarRecord.fromEntries([['a', deep]]);
    expect(() => canonicalJson(valueToJson(deep))).toThrow(OpsError);
    let edge: Value = new EntityUID('T', 'i');
    for (let i = 0; i < 254; i++) edge = CedarSet.of([edge]);
    expect(() => canonicalJson(valueToJson(edge))).not.toThrow();
    expect(() => canonicalJson(valueToJson(CedarSet.of([edge])))).toThrow(OpsError);
  });
});
