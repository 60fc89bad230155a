/**
 * @module test/extensions/duration
 * `duration`: table-driven cases (each also checked against cedar-wasm), a differential run
 * of every case, and fast-check properties comparing random inputs with cedar-wasm.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Duration } from '../../src/extensions/duration.js';
import { cedarOutcomes, differential, lit, mandateOutcome, PROPERTY_TIMEOUT, runs } from './harness.js';

/** [input, milliseconds or undefined when Cedar rejects it] */
const PARSE: readonly (readonly [string, bigint | undefined])[] = [
  ['1d2h3m4s5ms', 93784005n],
  ['-1d2h', -93600000n],
  ['1h', 3600000n],
  ['1m', 60000n],
  ['1s', 1000n],
  ['1ms', 1n],
  ['0ms', 0n],
  ['0d', 0n],
  ['-0s', 0n],
  ['1m1ms', 60001n],
  ['1m1s1ms', 61001n],
  ['1h1m1s', 3661000n],
  ['1d0h', 86400000n],
  ['0d0h0m0s0ms', 0n],
  ['01s', 1000n],
  ['001d', 86400000n],
  ['00000000000000000000000000000001ms', 1n],
  ['9223372036854775807ms', 2n ** 63n - 1n],
  ['-9223372036854775808ms', -(2n ** 63n)], // the sign is applied before the range check
  ['9223372036854775s807ms', 2n ** 63n - 1n],
  ['-9223372036854775s808ms', -(2n ** 63n)],
  ['106751991167d', 106751991167n * 86400000n],
  ['9223372036854775s', 9223372036854775000n],
  ['9223372036854775808ms', undefined], // overflow
  ['-9223372036854775809ms', undefined],
  ['9223372036854775s808ms', undefined],
  ['-9223372036854775s809ms', undefined],
  ['106751991168d', undefined],
  ['9223372036854776s', undefined],
  ['2562047788015215h30m', undefined],
  ['99999999999999999999ms', undefined],
  ['1d99999999999999999999ms', undefined],
  ['99999999999999999999ms1d', undefined], // the pattern error wins
  ['', undefined],
  ['-', undefined],
  ['1', undefined],
  ['d', undefined],
  ['1d2', undefined],
  ['1x', undefined],
  ['1s1d', undefined], // units in order d, h, m, s, ms, each at most once
  ['1d1d', undefined],
  ['1h1d', undefined],
  ['1ms1s', undefined],
  ['1ms1m', undefined],
  ['1ms0s', undefined],
  ['1s1s', undefined],
  ['1d2h3m4s5ms6ms', undefined],
  ['+1s', undefined],
  ['--1d', undefined],
  ['1d-2h', undefined],
  ['-1d-2h', undefined],
  ['1S', undefined],
  ['1D', undefined],
  ['1M', undefined],
  ['1y', undefined],
  ['1w', undefined],
  ['1.5s', undefined],
  ['1 s', undefined],
  [' 1s', undefined],
  ['1s ', undefined],
  ['１s', undefined],
];

/** [expression, expected outcome] */
const EXPRESSIONS: readonly (readonly [string, 'true' | 'false' | 'error'])[] = [
  ['duration("1d") == duration("24h")', 'true'],
  ['duration("1d") != duration("25h")', 'true'],
  ['duration("-0ms") == duration("0d")', 'true'],
  ['duration("60s") == duration("1m")', 'true'],
  ['duration("1ms") == 1', 'false'],
  ['duration("0ms") == datetime("1970-01-01")', 'false'],
  ['[duration("1d"), duration("24h"), duration("1h")] == [duration("60m"), duration("86400s")]', 'true'],
  // operators between durations
  ['duration("1s") < duration("2s")', 'true'],
  ['duration("2s") < duration("2000ms")', 'false'],
  ['duration("2s") <= duration("2000ms")', 'true'],
  ['duration("-1ms") > duration("-2ms")', 'true'],
  ['duration("1d") >= duration("24h")', 'true'],
  ['duration("9223372036854775807ms") > duration("-9223372036854775808ms")', 'true'],
  // conversions truncate toward zero
  ['duration("1d2h").toDays() == 1', 'true'],
  ['duration("-1d23h").toDays() == -1', 'true'],
  ['duration("-1d23h").toHours() == -47', 'true'],
  ['duration("1d").toMinutes() == 1440', 'true'],
  ['duration("-1ms").toSeconds() == 0', 'true'],
  ['duration("-1999ms").toSeconds() == -1', 'true'],
  ['duration("1h1ms").toMilliseconds() == 3600001', 'true'],
  ['duration("9223372036854775807ms").toDays() == 106751991167', 'true'],
  ['duration("-9223372036854775808ms").toDays() == -106751991167', 'true'],
  // a Long beyond 2^53 written exactly: `duration("<n>ms").toMilliseconds()`
  ['duration("-9223372036854775808ms").toSeconds() == duration("-9223372036854775ms").toMilliseconds()', 'true'],
  ['duration("1h").toHours() + duration("1h").toMinutes() == 61', 'true'],
  // type errors
  ['duration("1s") < 1', 'error'],
  ['1 < duration("1s")', 'error'],
  ['duration("1s") < datetime("2020-01-01")', 'error'],
  ['true < duration("1s")', 'error'],
  ['duration("1s") >= ip("1.1.1.1")', 'error'],
  ['duration("1s") + duration("1s") == duration("2s")', 'error'],
  ['duration("1d").toDate() == datetime("1970-01-01")', 'error'],
  ['duration(1) == duration("1ms")', 'error'],
  ['duration("1ms").toDays(1) == 0', 'error'],
  ['"1d".toDays() == 1', 'error'],
  ['duration("x") == duration("x")', 'error'],
  ['false && duration("x") == duration("x")', 'false'],
];

const parseExpr = (s: string): string => `duration(${lit(s)}) == duration(${lit(s)})`;

describe('duration', () => {
  describe('parsing', () => {
    it.each(PARSE)('duration(%j) → %s ms', (s, ms) => {
      if (ms === undefined) expect(() => Duration.parse(s)).toThrow();
      else expect(Duration.parse(s).ms).toBe(ms);
    });
    it('table matches cedar-wasm (acceptance and value)', () => {
      const exprs = PARSE.map(([s, ms]) =>
        ms === undefined ? parseExpr(s) : `duration(${lit(s)}) == duration("${ms}ms")`,
      );
      const outcomes = cedarOutcomes(exprs);
      expect(PARSE.filter(([, ms], i) => outcomes[i]?.result !== (ms === undefined ? 'error' : 'true'))).toEqual([]);
    });
  });

  describe('semantics', () => {
    it.each(EXPRESSIONS)('%s → %s', (expr, expected) => {
      expect(mandateOutcome(expr).result).toBe(expected);
    });
    it('table matches cedar-wasm', () => {
      const outcomes = cedarOutcomes(EXPRESSIONS.map(([e]) => e));
      expect(EXPRESSIONS.filter(([, expected], i) => outcomes[i]?.result !== expected)).toEqual([]);
    });
  });

  it('differential: every case, outcome and error message, equals cedar-wasm', () => {
    const exprs = [...PARSE.map(([s]) => parseExpr(s)), ...EXPRESSIONS.map(([e]) => e)];
    expect(differential(exprs)).toEqual([]);
  });

  describe('values', () => {
    it('text forms', () => {
      expect(Duration.parse('1d2h').toString()).toBe('duration("93600000ms")');
      expect(Duration.parse('-9223372036854775808ms').toExtnJson()).toEqual({
        fn: 'duration',
        arg: '-9223372036854775808ms',
      });
    });
    it('errors are of kind extension with Cedar messages', () => {
      expect(() => Duration.parse('9223372036854775808ms')).toThrow(
        expect.objectContaining({
          kind: 'extension',
          message: 'error while evaluating `duration` extension function: Duration overflows internal representation',
        }),
      );
      expect(() => Duration.parse('1s1d')).toThrow(
        expect.objectContaining({
          message: 'error while evaluating `duration` extension function: invalid duration pattern',
        }),
      );
    });
    it('huge inputs are handled in linear time', () => {
      const t = performance.now();
      expect(() => Duration.parse(`${'9'.repeat(2_000_000)}ms`)).toThrow();
      expect(Duration.parse(`${'0'.repeat(2_000_000)}1ms`).ms).toBe(1n);
      expect(() => Duration.parse('1d'.repeat(500_000))).toThrow();
      expect(performance.now() - t).toBeLessThan(5000);
    });
  });

  describe('properties against cedar-wasm', () => {
    const num = fc.oneof(
      fc.integer({ min: 0, max: 100 }).map(String),
      fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String),
      fc.constantFrom('', '0', '00', '9223372036854775807', '9223372036854775808', '106751991167', '106751991168'),
    );
    const unit = fc.constantFrom('d', 'h', 'm', 's', 'ms', 'ms', 'x', 'M', '');
    const near = fc
      .tuple(fc.constantFrom('', '', '-', '+'), fc.array(fc.tuple(num, unit), { maxLength: 6 }))
      .map(([sign, parts]) => sign + parts.map(([n, u]) => n + u).join(''));
    const ordered = fc
      .tuple(fc.boolean(), fc.array(fc.oneof(fc.constant(undefined), num), { minLength: 5, maxLength: 5 }))
      .map(([neg, ns]) => {
        const units = ['d', 'h', 'm', 's', 'ms'];
        return (neg ? '-' : '') + ns.map((n, i) => (n === undefined ? '' : n + units[i])).join('');
      });
    const noise = fc.string({ unit: fc.constantFrom(...'0123456789dhmsx- '.split('')), maxLength: 14 });
    const anyInput = fc.oneof(near, ordered, ordered, noise);

    it('duration(s) is accepted or rejected (same message), with the same value, exactly as Cedar', {
      timeout: PROPERTY_TIMEOUT,
    }, () => {
      fc.assert(
        fc.property(fc.array(anyInput, { minLength: 1, maxLength: 8 }), (inputs) => {
          const exprs = inputs.flatMap((s) => {
            const pin = (() => {
              try {
                return [`duration(${lit(s)}) == ${Duration.parse(s).toString()}`];
              } catch {
                return [];
              }
            })();
            return [parseExpr(s), ...pin];
          });
          expect(differential(exprs)).toEqual([]);
        }),
        { numRuns: runs(400) },
      );
    });

    const ms = fc.oneof(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.bigInt({ min: -200_000_000n, max: 200_000_000n }),
    );
    it('comparisons, equality and conversions agree with Cedar', { timeout: PROPERTY_TIMEOUT }, () => {
      fc.assert(
        fc.property(ms, ms, (a, b) => {
          const A = `duration("${a}ms")`;
          const B = `duration("${b}ms")`;
          // An exact Long for Cedar: literals beyond 2^53 would be rounded by policyToJson.
          const long = (x: bigint): string => `duration("${x}ms").toMilliseconds()`;
          const da = new Duration(a);
          const exprs = [
            `${A} == ${B}`,
            `${A} < ${B}`,
            `${A} <= ${B}`,
            `${A} > ${B}`,
            `${A} >= ${B}`,
            `${A}.toDays() == ${long(da.toDays())}`,
            `${A}.toHours() == ${long(da.toHours())}`,
            `${A}.toMinutes() == ${long(da.toMinutes())}`,
            `${A}.toSeconds() == ${long(da.toSeconds())}`,
            `${A}.toMilliseconds() == ${B}.toMilliseconds()`,
          ];
          expect(differential(exprs)).toEqual([]);
        }),
        { numRuns: runs(500) },
      );
    });
  });
});
