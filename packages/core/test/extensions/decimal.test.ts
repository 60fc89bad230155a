/**
 * @module test/extensions/decimal
 * `decimal`: table-driven cases (each also checked against cedar-wasm), a differential run of
 * every case, and fast-check properties comparing random inputs with cedar-wasm.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/extensions/decimal.js';
import { cedarOutcomes, differential, lit, mandateOutcome, PROPERTY_TIMEOUT, runs } from './harness.js';

/** [input, accepted by Cedar?] */
const PARSE: readonly (readonly [string, boolean])[] = [
  ['1.0', true],
  ['0.0', true],
  ['-0.0', true],
  ['-1.0', true],
  ['1.5', true],
  ['00.5', true],
  ['01.5', true],
  ['1.0000', true],
  ['0.0001', true],
  ['-0.0001', true],
  ['000000000000000000000000000001.0', true],
  ['922337203685477.5807', true], // i64::MAX / 10^4
  ['922337203685477.580', true],
  ['-922337203685477.5808', true], // i64::MIN / 10^4
  ['922337203685477.5808', false],
  ['-922337203685477.5809', false],
  ['9999999999999999999.0', false],
  ['99999999999999999999.00000', false], // overflow reported before too many digits
  ['9223372036854775807.00000', false],
  ['1', false], // digits needed on both sides of the point
  ['.5', false],
  ['1.', false],
  ['-.5', false],
  ['-', false],
  ['.', false],
  ['', false],
  ['+1.0', false],
  ['--1.0', false],
  ['1.00000', false], // at most 4 fractional digits
  ['1.23456', false],
  ['-922337203685477.58080', false],
  ['1.0000000', false],
  [' 1.0', false],
  ['1.0 ', false],
  ['1 .0', false],
  ['1.0\n', false],
  ['1,0', false],
  ['1e2', false],
  ['1.0e2', false],
  ['0x1.0', false],
  ['1.-5', false],
  ['1.+5', false],
  ['1.0.0', false],
  ['NaN.0', false],
  // Unicode digits pass Cedar's shape check but not its conversion ("overflow")
  ['١.٠', false],
  ['١.0', false],
  ['1.٠', false],
  ['1.٠٠', false],
  ['1.٠٠٠', false], // 6 UTF-8 bytes after the point: "too many digits"
  ['1.00٠', false],
  ['𝟏.0', false],
];

/** [expression, expected outcome] */
const EXPRESSIONS: readonly (readonly [string, 'true' | 'false' | 'error'])[] = [
  ['decimal("1.0") == decimal("1.00")', 'true'],
  ['decimal("1.0") == decimal("1.0000")', 'true'],
  ['decimal("-0.0") == decimal("0.0")', 'true'],
  ['decimal("-0.5") == decimal("0.5")', 'false'],
  ['decimal("01.50") == decimal("1.5")', 'true'],
  ['decimal("1.0") == 1', 'false'],
  ['decimal("1.0") == "1.0"', 'false'],
  ['[decimal("1.0"), decimal("1.00"), decimal("2.0")] == [decimal("2.0000"), decimal("1.0")]', 'true'],
  ['decimal("1.5").lessThan(decimal("2.0"))', 'true'],
  ['decimal("1.5").lessThan(decimal("1.50"))', 'false'],
  ['decimal("1.5").lessThanOrEqual(decimal("1.50"))', 'true'],
  ['decimal("-1.5").lessThan(decimal("1.4"))', 'true'],
  ['decimal("-1.5").lessThan(decimal("-1.4"))', 'true'],
  ['decimal("-0.5").lessThan(decimal("0.0"))', 'true'],
  ['decimal("1.5").greaterThan(decimal("1.4999"))', 'true'],
  ['decimal("1.5").greaterThan(decimal("1.5"))', 'false'],
  ['decimal("1.5").greaterThanOrEqual(decimal("1.5001"))', 'false'],
  ['decimal("1.5").greaterThanOrEqual(decimal("1.5"))', 'true'],
  ['decimal("-922337203685477.5808").lessThan(decimal("922337203685477.5807"))', 'true'],
  // errors
  ['decimal("1") == decimal("1")', 'error'],
  ['false && decimal("1").lessThan(decimal("2.0"))', 'false'],
  ['decimal("1.5").lessThan(1)', 'error'],
  ['decimal("1.5").lessThan(ip("1.1.1.1"))', 'error'],
  ['decimal("1.0").lessThan()', 'error'],
  ['"a".lessThan(1)', 'error'],
  ['decimal(1) == decimal(1)', 'error'],
  ['decimal("1.0", "2.0") == decimal("1.0")', 'error'],
  // no operators on decimals
  ['decimal("1.0") < decimal("2.0")', 'error'],
  ['decimal("1.5") <= decimal("1.5")', 'error'],
  ['decimal("1.5") > 1', 'error'],
  ['decimal("1.5") + decimal("1.5") == decimal("3.0")', 'error'],
];

const parseExpr = (s: string): string => `decimal(${lit(s)}) == decimal(${lit(s)})`;

describe('decimal', () => {
  describe('parsing', () => {
    it.each(PARSE)('decimal(%j) accepted: %s', (s, accepted) => {
      expect(mandateOutcome(parseExpr(s)).result).toBe(accepted ? 'true' : 'error');
    });
    it('table matches cedar-wasm', () => {
      const outcomes = cedarOutcomes(PARSE.map(([s]) => parseExpr(s)));
      expect(PARSE.filter(([, accepted], i) => outcomes[i]?.result !== (accepted ? 'true' : 'error'))).toEqual([]);
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
    it('is an i64 scaled by 10^4', () => {
      expect(Decimal.parse('1.5').scaled).toBe(15000n);
      expect(Decimal.parse('-0.0001').scaled).toBe(-1n);
      expect(Decimal.parse('-922337203685477.5808').scaled).toBe(-(2n ** 63n));
      expect(Decimal.parse('922337203685477.5807').scaled).toBe(2n ** 63n - 1n);
    });
    it('canonical text is the shortest that parses back', () => {
      expect(Decimal.parse('01.5000').toString()).toBe('decimal("1.5")');
      expect(Decimal.parse('-0.0').canonicalText).toBe('0.0');
      expect(Decimal.parse('-0.0120').canonicalText).toBe('-0.012');
      expect(Decimal.parse('3.0001').canonicalText).toBe('3.0001');
      expect(Decimal.parse('-922337203685477.5808').toExtnJson()).toEqual({
        fn: 'decimal',
        arg: '-922337203685477.5808',
      });
    });
    it('errors are of kind extension with Cedar messages', () => {
      expect(() => Decimal.parse('1.23456')).toThrow(
        expect.objectContaining({
          kind: 'extension',
          message:
            'error while evaluating `decimal` extension function: too many digits after the decimal in `1.23456`',
        }),
      );
    });
    it('huge inputs are rejected in linear time', () => {
      const t = performance.now();
      expect(() => Decimal.parse(`${'9'.repeat(2_000_000)}.0`)).toThrow();
      expect(() => Decimal.parse(`${'0'.repeat(2_000_000)}1.0`)).not.toThrow();
      expect(() => Decimal.parse(`1.${'0'.repeat(2_000_000)}`)).toThrow();
      expect(performance.now() - t).toBeLessThan(5000);
    });
  });

  it('every Unicode digit-like code point: Cedar’s shape check is Unicode Nd, its conversion ASCII', {
    timeout: PROPERTY_TIMEOUT,
  }, () => {
    // All Nd code points plus other numeric ones (No, Nl: `²`, `½`, `Ⅻ`) that must not count.
    const candidates: string[] = [];
    for (let c = 0x80; c <= 0x1ffff; c++) {
      const ch = String.fromCodePoint(c);
      if (/\p{N}/u.test(ch)) candidates.push(ch);
    }
    expect(candidates.length).toBeGreaterThan(700);
    // Digits (as far as Node knows) also in the fraction, where only the byte count matters.
    const exprs = candidates.flatMap((ch) =>
      /\p{Nd}/u.test(ch) ? [parseExpr(`${ch}.0`), parseExpr(`1.${ch}${ch}`)] : [parseExpr(`${ch}.0`)],
    );
    expect(differential(exprs)).toEqual([]);
  });

  describe('properties against cedar-wasm', () => {
    const digits = (max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), maxLength: max });
    const near = fc
      .tuple(
        fc.constantFrom('', '', '-', '+', '--'),
        digits(21),
        fc.constantFrom('.', '.', '.', '', '..', ','),
        digits(6),
      )
      .map(([sign, i, dot, f]) => `${sign}${i}${dot}${f}`);
    const boundary = fc
      .tuple(
        fc.constantFrom('922337203685477', '-922337203685477', '922337203685476', '-0', '0'),
        fc.integer({ min: 0, max: 9999 }),
      )
      .map(([i, f]) => `${i}.${String(f).padStart(4, '0')}`);
    const noise = fc.string({ unit: fc.constantFrom(...'0123456789.-+e ١٠'.split('')), maxLength: 12 });
    const anyInput = fc.oneof(near, near, boundary, noise);

    it('decimal(s) is accepted or rejected (same message) exactly as Cedar', { timeout: PROPERTY_TIMEOUT }, () => {
      fc.assert(
        fc.property(fc.array(anyInput, { minLength: 1, maxLength: 8 }), (inputs) => {
          expect(differential(inputs.map(parseExpr))).toEqual([]);
        }),
        { numRuns: runs(400) },
      );
    });

    const value = fc.oneof(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.bigInt({ min: -30000n, max: 30000n }),
    );
    const text = (scaled: bigint): string => new Decimal(scaled).canonicalText;

    it('comparisons, equality and canonical text agree with Cedar', { timeout: PROPERTY_TIMEOUT }, () => {
      fc.assert(
        fc.property(value, value, fc.boolean(), (a, b, same) => {
          const A = `decimal(${lit(text(a))})`;
          const B = `decimal(${lit(text(same ? a : b))})`;
          const exprs = [
            `${A} == ${B}`,
            `${A}.lessThan(${B})`,
            `${A}.lessThanOrEqual(${B})`,
            `${A}.greaterThan(${B})`,
            `${A}.greaterThanOrEqual(${B})`,
          ];
          expect(differential(exprs)).toEqual([]);
        }),
        { numRuns: runs(500) },
      );
    });

    it('parsed values are the numbers Cedar parses (pinned by equality with the canonical text)', {
      timeout: PROPERTY_TIMEOUT,
    }, () => {
      fc.assert(
        fc.property(fc.array(fc.oneof(near, boundary), { minLength: 1, maxLength: 8 }), (inputs) => {
          const exprs = inputs.flatMap((s) => {
            try {
              return [`decimal(${lit(s)}) == ${Decimal.parse(s).toString()}`];
            } catch {
              return [];
            }
          });
          expect(differential(exprs)).toEqual([]);
        }),
        { numRuns: runs(300) },
      );
    });
  });
});
