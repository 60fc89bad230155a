/**
 * JSON text reading: the same values as `JSON.parse` where it is exact, bigints where it
 * rounds, and refusals where it silently keeps one of two values.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, parseEntities, parseJsonText } from '../../src/json/index.js';

const error = (f: () => unknown): InputError => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
};

describe('parseJsonText', () => {
  it.each([
    '0',
    '-0',
    '1.5',
    '-12e3',
    '"a\\u00e9\\n\\"\\\\"',
    '"\\ud83d\\ude00"',
    'true',
    'null',
    '[]',
    '{}',
    ' [1, [2, [3]], {"a": {"b": []}}] ',
    '{"uid": {"type": "A", "id": "a"}, "attrs": {"x": 9007199254740991}, "parents": []}',
  ])('reads %s as JSON.parse does', (text) => {
    expect(parseJsonText(text)).toEqual(JSON.parse(text));
  });

  it('keeps integers beyond 2^53 exact', () => {
    expect(parseJsonText('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseJsonText('[-9223372036854775808, 9007199254740993]')).toEqual([
      -9223372036854775808n,
      9007199254740993n,
    ]);
    expect(parseJsonText('9007199254740991')).toBe(9007199254740991);
    // and the value parsers take them
    const [e] = parseEntities(
      parseJsonText('[{"uid": {"type": "A", "id": "a"}, "attrs": {"n": 9223372036854775807}, "parents": []}]'),
    );
    expect(e?.attrs.get('n')).toBe(9223372036854775807n);
  });

  it('refuses duplicate keys, saying which and where', () => {
    const err = error(() =>
      parseJsonText('[{"uid": {"type": "A", "id": "a"}, "attrs": {"x": 1, "x": 2}, "parents": []}]'),
    );
    expect(err.kind).toBe('json');
    expect(err.message).toMatch(/^duplicate key `x` at line 1 column/);
    expect(err.path).toEqual([0, 'attrs', 'x']);
    expect(() => parseJsonText('{"a": 1, "b": {"a": 2}}')).not.toThrow();
  });

  it('makes __proto__ an own key, never a prototype', () => {
    const v = parseJsonText('{"__proto__": {"admin": true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect((v as { admin?: unknown }).admin).toBeUndefined();
  });

  it.each([
    ['', /unexpected end of input/],
    ['[1,]', /unexpected character `]`/],
    ['{"a" 1}', /expected `:`/],
    ['[1 2]', /expected `,` or `]`/],
    ['{"a": 1,}', /expected a string key/],
    ['"abc', /unterminated string/],
    ['"a\\x"', /invalid escape/],
    ['"a\u0001"', /control character/],
    ['01', /unexpected text after the JSON value/],
    ['[1] x', /unexpected text/],
    ['NaN', /unexpected character `N`/],
  ])('refuses %j', (text, message) => {
    const err = error(() => parseJsonText(text));
    expect(err.kind).toBe('json');
    expect(err.message).toMatch(message);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('gives line and column', () => {
    expect(error(() => parseJsonText('{\n  "a": [1,\n   x]\n}')).message).toMatch(/at line 3 column 4$/);
  });

  it('bounds nesting without overflowing the stack', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(error(() => parseJsonText(deep)).kind).toBe('limit');
    expect(parseJsonText('[[[]]]', { maxDepth: 3 })).toEqual([[[]]]);
    expect(error(() => parseJsonText('[[[[]]]]', { maxDepth: 3 })).kind).toBe('limit');
  });

  it('reads the JS-hazard entity files as JSON.parse does (they hold no big integers)', () => {
    const dir = join(import.meta.dirname, '../../../../../shared/conformance/js-hazards');
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    } catch {
      return; // conformance data not present
    }
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      if (/\d{16,}/.test(text)) continue;
      expect(parseJsonText(text), f).toEqual(JSON.parse(text));
    }
  });
});
