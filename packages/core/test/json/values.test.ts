/**
 * Schemaless Cedar JSON values, case by case against cedar-wasm: each value is put in an
 * entity's attribute and both parse it; they must agree on accept/reject, and when both
 * accept, Cedar must find Mandate's value equal to the attribute (a policy compares them).
 */
import { describe, expect, it } from 'vitest';
import { InputError, parseEntities, parseValue } from '../../src/json/index.js';
import { CedarRecord, CedarSet, EntityUID, type Value, valueToCedar } from '../../src/values/value.js';
import { disagreement, mine, wasm, wasmEntities } from './oracle.js';

const ent = (x: unknown): unknown[] => [{ uid: { type: 'A', id: 'a' }, attrs: { x }, parents: [] }];
const E = (type: string, id: string, extra: Record<string, unknown> = {}) => ({ __entity: { type, id, ...extra } });
const X = (fn: string, arg: unknown) => ({ __extn: { fn, arg } });
const XS = (fn: string, args: unknown[]) => ({ __extn: { fn, args } });
const ip = (s: string) => X('ip', s);

const CASES: [string, unknown][] = [
  ['true', true],
  ['false', false],
  ['zero', 0],
  ['negative zero', -0],
  ['one', 1],
  ['minus one', -1],
  ['1.0 is the integer 1', 1.0],
  ['max safe integer', Number.MAX_SAFE_INTEGER],
  ['2^53', 2 ** 53],
  ['2^53 + 2', 2 ** 53 + 2],
  ['2^60 (Cedar reads 1152921504606847000)', 2 ** 60],
  ['-(2^62)', -(2 ** 62)],
  ['largest double below 2^63', 2 ** 63 - 1024],
  ['2^63 as a number', 2 ** 63],
  ['-2^63 as a number (refused: it is also what -2^63-1 rounds to)', -(2 ** 63)],
  ['-2^63 + 1024', -(2 ** 63) + 1024],
  ['1e20', 1e20],
  ['fraction', 1.5],
  ['tiny fraction', 1.0000000001],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['empty string', ''],
  ['string', 'hi'],
  ['string with quote, newline, NUL', 'é"\n\u0000'],
  ['astral string', '😀'],
  ['null', null],
  ['null in a set', [1, null]],
  // biome-ignore lint/suspicious/noSparseArray: the hole is the case under test
  ['hole in an array', [1, , 2]],
  ['empty set', []],
  ['set with duplicates', [1, 1, 2]],
  ['heterogeneous set', [1, 'a', true]],
  ['nested sets', [[[]], [[1]]]],
  ['empty record', {}],
  ['record', { a: 1, b: 'x' }],
  [
    '__proto__ and constructor keys',
    JSON.parse('{"__proto__": 1, "constructor": {"toString": 2}, "hasOwnProperty": true}'),
  ],
  ['null-prototype object', Object.assign(Object.create(null), { valueOf: 1 })],
  ['key bound to undefined is absent', { a: undefined, b: 1 }],
  ['record with a null', { a: null }],
  ['record with a fraction deep inside', { a: { b: [1.5] } }],
  ['{type, id} is a record without a schema', { type: 'B', id: 'b' }],
  // __entity
  ['__entity', E('B', 'b')],
  ['__entity with a namespaced type', E('N::M::B', 'b')],
  ['__entity id with quotes and newline', E('B', 'é"\n')],
  ['__entity with an extra key beside it is a record', { ...E('B', 'b'), y: 1 }],
  ['__entity with an extra inner key', E('B', 'b', { z: 1 })],
  ['__entity with an extra inner null (ignored)', E('B', 'b', { z: null })],
  ['__entity with an extra inner fraction', E('B', 'b', { z: 1.5 })],
  ['__entity with a numeric id is a record', { __entity: { type: 'B', id: 1 } }],
  ['__entity with a numeric type is a record', { __entity: { type: 1, id: 'b' } }],
  ['__entity without id is a record', { __entity: { type: 'B' } }],
  ['__entity with null id (a record holding null)', { __entity: { type: 'B', id: null } }],
  ['__entity as a string is a record', { __entity: 'B::"b"' }],
  ['__entity null', { __entity: null }],
  ['__entity nested __entity is a record', { __entity: E('B', 'b') }],
  ['__entity and __extn together are a record', { ...E('B', 'b'), ...ip('1.2.3.4') }],
  ['entity type `if`', E('if', 'b')],
  ['entity type `in`', E('in', 'b')],
  ['entity type `has`', E('has', 'b')],
  ['entity type `like`', E('like', 'b')],
  ['entity type `is`', E('is', 'b')],
  ['entity type `then`', E('then', 'b')],
  ['entity type `else`', E('else', 'b')],
  ['entity type `true`', E('true', 'b')],
  ['entity type `false`', E('false', 'b')],
  ['entity type empty', E('', 'b')],
  ['entity type `A::`', E('A::', 'b')],
  ['entity type `in::A`', E('in::A', 'b')],
  ['entity type `__cedar`', E('__cedar', 'b')],
  ['entity type `__cedar::B`', E('__cedar::B', 'b')],
  ['entity type `A::__cedar::B`', E('A::__cedar::B', 'b')],
  ['entity type with leading space', E(' B', 'b')],
  ['entity type with trailing space', E('B ', 'b')],
  ['entity type with spaces around ::', E('N :: B', 'b')],
  ['entity type with a comment', E('B//x', 'b')],
  ['entity type non-ASCII', E('Bé', 'b')],
  ['entity type with a dash', E('a-b', 'b')],
  ['entity type starting with a digit', E('1a', 'b')],
  ['entity type with NUL', E('a\u0000', 'b')],
  ['entity type `_a1::_`', E('_a1::_', 'b')],
  ['entity type `__cedarX`', E('__cedarX', 'b')],
  ['entity type `__cedar_x::A`', E('__cedar_x::A', 'b')],
  ['entity type `permit`', E('permit', 'b')],
  ['entity type `principal`', E('principal', 'b')],
  ['entity type `null`', E('null', 'b')],
  ['entity type `Set`', E('Set', 'b')],
  ['entity type `__proto__`', E('__proto__', 'b')],
  ['entity type `Action`', E('Action', 'b')],
  // __extn
  ['ip', ip('1.2.3.4')],
  ['ip CIDR', ip('10.0.0.0/8')],
  ['ip v6', ip('::1')],
  ['bad ip', ip('1.2.3')],
  ['unknown function', X('foo', '1')],
  ['type name is not a function', X('ipaddr', '1.2.3.4')],
  ['args form', XS('ip', ['1.2.3.4'])],
  ['__extn with a key beside it is a record', { ...ip('1.2.3.4'), y: 1 }],
  ['__extn with an extra inner key', { __extn: { fn: 'ip', arg: '1.2.3.4', z: 1 } }],
  ['__extn with an extra inner null', { __extn: { fn: 'ip', arg: '1.2.3.4', z: null } }],
  ['__extn with an extra inner fraction', { __extn: { fn: 'ip', arg: '1.2.3.4', z: 1.5 } }],
  ['arg wins over args', { __extn: { fn: 'ip', arg: '1.2.3.4', args: ['5.6.7.8'] } }],
  ['arg wins over a malformed args', { __extn: { fn: 'ip', arg: '1.2.3.4', args: 5 } }],
  ['arg wins over args holding null', { __extn: { fn: 'ip', arg: '1.2.3.4', args: [null] } }],
  ['a bad arg is not rescued by args', { __extn: { fn: 'ip', arg: 5, args: ['1.2.3.4'] } }],
  ['arg bound to undefined falls back to args', { __extn: { fn: 'ip', arg: undefined, args: ['1.2.3.4'] } }],
  ['numeric arg', X('ip', 1)],
  ['null arg', X('ip', null)],
  ['set arg', X('decimal', ['1.5'])],
  ['extension arg to ip', X('ip', ip('1.2.3.4'))],
  ['no arguments', XS('ip', [])],
  ['two arguments to ip', XS('ip', ['1.2.3.4', '1.2.3.4'])],
  ['args holding null', XS('ip', ['1.2.3.4', null])],
  ['args nested set', XS('ip', [['1.2.3.4']])],
  ['__extn string is a record', { __extn: 'ip("1.2.3.4")' }],
  ['__extn without fn is a record', { __extn: { arg: '1.2.3.4' } }],
  ['__extn with numeric fn is a record', { __extn: { fn: 1, arg: '1.2.3.4' } }],
  ['__extn without arg is a record', { __extn: { fn: 'ip' } }],
  ['__extn args not an array is a record', { __extn: { fn: 'decimal', args: '1.5' } }],
  ['isInRange', XS('isInRange', [ip('1.2.3.4'), ip('1.0.0.0/8')])],
  ['isIpv4', X('isIpv4', ip('1.2.3.4'))],
  ['isLoopback on a string', X('isLoopback', '127.0.0.1')],
  ['decimal', X('decimal', '1.5')],
  ['decimal with 5 places', X('decimal', '1.23456')],
  ['lessThan', XS('lessThan', [X('decimal', '1.0'), X('decimal', '2.0')])],
  ['datetime', X('datetime', '2024-01-01')],
  ['datetime with time', X('datetime', '2024-06-01T12:34:56Z')],
  ['bad datetime', X('datetime', '2024-02-30')],
  ['duration', X('duration', '1h30m')],
  ['bad duration', X('duration', '1x')],
  ['offset', XS('offset', [X('datetime', '2024-01-01'), X('duration', '1h')])],
  ['toDate', X('toDate', X('datetime', '2024-01-01T10:00:00Z'))],
  ['durationSince', XS('durationSince', [X('datetime', '2024-01-02'), X('datetime', '2024-01-01')])],
  ['toDays', X('toDays', X('duration', '2d'))],
  // __expr
  ['__expr', { __expr: '1 + 1' }],
  ['__expr with a number is a record', { __expr: 1 }],
  ['__expr with a key beside it is a record', { __expr: 'x', y: 1 }],
  ['__expr beside __entity is a record', { __expr: 'x', ...E('B', 'b') }],
  // escapes nested in containers
  ['entity in a set', [E('B', 'b'), E('B', 'c')]],
  ['ip in a record', { a: ip('1.2.3.4'), b: [X('decimal', '1.0')] }],
  ['bad ip deep inside', { a: [{ b: ip('x') }] }],
  ['__expr deep inside', [{ a: { __expr: 'x' } }]],
];

/** Cedar source for a value Mandate parsed, to ask Cedar whether it is the same value. */
function literal(v: Value): string {
  if (v instanceof CedarRecord)
    return `{${[...v.map].map(([k, x]) => `${JSON.stringify(k)}: ${literal(x)}`).join(', ')}}`;
  if (v instanceof CedarSet) return `[${v.items.map(literal).join(', ')}]`;
  return valueToCedar(v);
}

function cedarSaysEqual(json: unknown, v: Value): string {
  const answer = wasm().isAuthorized({
    principal: { type: 'A', id: 'a' },
    action: { type: 'Action', id: 'a' },
    resource: { type: 'A', id: 'a' },
    context: {},
    validateRequest: false,
    entities: ent(json) as never,
    policies: { staticPolicies: `permit(principal, action, resource) when { principal.x == ${literal(v)} };` },
  });
  if (answer.type !== 'success') return `failure: ${answer.errors.map((e) => e.message).join('; ')}`;
  const errs = answer.response.diagnostics.errors.map((e) => e.error.message);
  return errs.length > 0 ? `error: ${errs.join('; ')}` : answer.response.decision;
}

describe('schemaless values agree with cedar-wasm', () => {
  it.each(CASES)('%s', (name, json) => {
    const ours = mine(() => parseEntities(ent(json)));
    const theirs = wasmEntities(ent(json));
    expect(ours.ok, disagreement(name, ours, theirs)).toBe(theirs.ok);
    if (ours.ok) {
      const v = parseValue(json);
      expect(cedarSaysEqual(json, v), `Cedar's value differs from Mandate's ${literal(v)}`).toBe('allow');
    }
  });
});

describe('schemaless values: what JavaScript adds', () => {
  it('reads bigints as exact Longs across the whole i64 range', () => {
    expect(parseValue(9223372036854775807n)).toBe(9223372036854775807n);
    expect(parseValue(-9223372036854775808n)).toBe(-9223372036854775808n);
    expect(parseValue([2n ** 62n, 1])).toBeInstanceOf(CedarSet);
    expect(() => parseValue(2n ** 63n)).toThrow(InputError);
    expect(() => parseValue(-(2n ** 63n) - 1n)).toThrow(/not a Cedar long/);
  });

  it('reads JS numbers as bigint Longs; beyond 2^53, the integer their shortest form spells', () => {
    expect(parseValue(42)).toBe(42n);
    expect(parseValue(-0)).toBe(0n);
    expect(parseValue(2 ** 53)).toBe(2n ** 53n);
    // JSON.parse("1152921504606847000") is the double 2^60; the literal is what was meant
    expect(parseValue(JSON.parse('1152921504606847000'))).toBe(1152921504606847000n);
    expect(parseValue(2 ** 63 - 1024)).toBe(9223372036854775000n);
    expect(() => parseValue(-(2 ** 63))).toThrow(/not a Cedar long/);
  });

  it('keeps prototype-named keys as data and never reads inherited ones', () => {
    const v = parseValue(JSON.parse('{"__proto__": {"admin": true}, "constructor": 1}')) as CedarRecord;
    expect([...v.map.keys()].sort()).toEqual(['__proto__', 'constructor']);
    expect(v.get('__proto__')).toBeInstanceOf(CedarRecord);
    expect(parseValue({})).toEqual(new CedarRecord(new Map()));
    // an object inheriting `type`/`id` is not JSON, and never an entity reference
    const proto = { type: 'B', id: 'b' };
    expect(() => parseValue({ __entity: Object.create(proto) })).toThrow(/not JSON/);
  });

  it('is not fooled by a polluted Object.prototype', () => {
    const P = Object.prototype as Record<string, unknown>;
    P.fn = 'ip';
    P.arg = '1.2.3.4';
    P.type = 'B';
    P.id = 'b';
    try {
      expect(parseValue({ __extn: {} })).toBeInstanceOf(CedarRecord);
      expect(parseValue({ __entity: {} })).toBeInstanceOf(CedarRecord);
      expect(parseValue({ a: 1 })).toEqual(new CedarRecord(new Map([['a', 1n]])));
    } finally {
      delete P.fn;
      delete P.arg;
      delete P.type;
      delete P.id;
    }
  });

  it.each([
    ['Map', new Map([['a', 1]])],
    ['Set', new Set([1])],
    ['Date', new Date(0)],
    ['boxed number', Object(1)],
    ['boxed string', Object('a')],
    ['function', () => 1],
    ['symbol', Symbol('s')],
    ['class instance', new (class Point {})()],
  ])('refuses a %s (cedar-wasm quietly coerces it; that hides mistakes)', (_name, v) => {
    const err = (() => {
      try {
        parseValue({ a: v });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).kind).toBe('json');
    expect((err as InputError).path).toEqual(['a']);
  });

  it('refuses lone surrogates (cedar-wasm cannot even take them in)', () => {
    expect(() => parseValue('\uD800')).toThrow(/lone surrogate/);
    expect(() => parseValue({ '\uDC00': 1 })).toThrow(InputError);
    expect(() => parseValue(E('B', '\uD800'))).toThrow(InputError);
    expect(parseValue('😀')).toBe('😀');
  });

  it('bounds nesting with a clear error, at exactly cedar-wasm depth', () => {
    const nest = (d: number): unknown => JSON.parse('['.repeat(d) + ']'.repeat(d));
    // an attribute value inside [ { attrs: { x: … } } ] may hold 123 levels, as in cedar-wasm
    expect(mine(() => parseEntities(ent(nest(123)))).ok).toBe(true);
    expect(wasmEntities(ent(nest(123))).ok).toBe(true);
    expect(mine(() => parseEntities(ent(nest(124)))).ok).toBe(false);
    expect(wasmEntities(ent(nest(124))).ok).toBe(false);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    try {
      parseValue(deep);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).kind).toBe('limit');
    }
    expect(() => parseValue(nest(50), { maxDepth: 10 })).toThrow(/nested more than 10 levels/);
  });

  it('reports where the problem is', () => {
    try {
      parseEntities([{ uid: { type: 'A', id: 'a' }, attrs: { ok: 1, bad: { list: [1, 2.5] } }, parents: [] }]);
      expect.unreachable();
    } catch (e) {
      const err = e as InputError;
      expect(err.kind).toBe('json');
      expect(err.path).toEqual([0, 'attrs', 'bad', 'list', 1]);
      expect(err.where).toBe('[0].attrs.bad.list[1]');
      expect(err.entity).toBe('A::"a"');
      expect(err.message).toMatch(/^in attribute `bad` on `A::"a"`, `2.5` is not a Cedar long/);
    }
  });

  it('builds entity references', () => {
    const v = parseValue(E('N::B', '__proto__'));
    expect(v).toBeInstanceOf(EntityUID);
    expect((v as EntityUID).key).toBe('N::B::"__proto__"');
  });
});
