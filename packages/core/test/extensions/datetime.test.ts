/**
 * @module test/extensions/datetime
 * `datetime`: table-driven cases (each also checked against cedar-wasm), a differential run
 * of every case, and fast-check properties comparing random inputs with cedar-wasm.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Datetime } from '../../src/extensions/datetime.js';
import { Duration } from '../../src/extensions/duration.js';
import { cedarOutcomes, differential, lit, mandateOutcome, PROPERTY_TIMEOUT, runs } from './harness.js';

const D = 86_400_000n;

/** [input, ms since the epoch or undefined when Cedar rejects it] */
const PARSE: readonly (readonly [string, bigint | undefined])[] = [
  ['1970-01-01', 0n],
  ['2020-01-01', 1577836800000n],
  ['2020-02-29', 1582934400000n],
  ['2000-02-29', 951782400000n],
  ['0000-01-01', -62167219200000n], // year 0 exists (proleptic Gregorian) and is a leap year
  ['0000-02-29', -62162121600000n],
  ['9999-12-31', 253402214400000n],
  ['1969-12-31', -D],
  ['2020-01-01T00:00:00Z', 1577836800000n],
  ['2020-01-01T23:59:59Z', 1577923199000n],
  ['2020-01-01T00:00:00.000Z', 1577836800000n],
  ['2020-01-01T00:00:00.123Z', 1577836800123n],
  ['2020-01-01T00:00:00.999+0000', 1577836800999n],
  ['2020-01-01T00:00:00+0000', 1577836800000n],
  ['2020-01-01T00:00:00-0000', 1577836800000n],
  ['2020-01-01T00:00:00+0100', 1577833200000n], // local time 1h ahead of UTC
  ['2020-01-01T00:00:00-0100', 1577840400000n],
  ['2020-01-01T00:00:00+2359', 1577750460000n],
  ['2020-01-01T00:00:00.123+0130', 1577831400123n],
  ['2020-01-01T00:00:00.000-2359', 1577923140000n],
  ['0000-01-01T00:00:00+2359', -62167305540000n], // before year 0 in UTC
  ['9999-12-31T23:59:59.999-2359', 253402387139999n], // year 10000 in UTC
  // patterns
  ['2020-1-01', undefined],
  ['2020-01-1', undefined],
  ['20200101', undefined],
  ['10000-01-01', undefined],
  ['-001-01-01', undefined],
  ['+2020-01-01', undefined],
  ['２020-01-01', undefined],
  ['2020-01-01 ', undefined],
  ['2020-01-01T', undefined],
  ['2020-01-011', undefined],
  ['2020-01-01t00:00:00Z', undefined],
  ['2020-01-01 00:00:00Z', undefined],
  ['2020-01-01T00:00Z', undefined],
  ['2020-01-01T0:00:00Z', undefined],
  ['2020-01-01T00:00:00', undefined], // the zone is required
  ['2020-01-01T00:00:00z', undefined],
  ['2020-01-01T00:00:00.123', undefined],
  ['2020-01-01T00:00:00.1Z', undefined], // exactly three millisecond digits
  ['2020-01-01T00:00:00.12Z', undefined],
  ['2020-01-01T00:00:00.00Z', undefined],
  ['2020-01-01T00:00:00.1234Z', undefined],
  ['2020-01-01T00:00:00.-100Z', undefined],
  ['2020-01-01T00:00:00+01:00', undefined],
  ['2020-01-01T00:00:00+01', undefined],
  ['2020-01-01T00:00:00Z0', undefined],
  ['2020-01-01T00:00:00ZZ', undefined],
  // ranges
  ['2019-02-29', undefined],
  ['1900-02-29', undefined],
  ['2020-02-30', undefined],
  ['2020-04-31', undefined],
  ['2020-13-01', undefined],
  ['2020-00-01', undefined],
  ['2020-01-00', undefined],
  ['2020-01-01T24:00:00Z', undefined],
  ['2020-01-01T23:60:00Z', undefined],
  ['2020-01-01T23:59:60Z', undefined], // no leap second
  ['2020-01-01T00:00:00+2400', undefined],
  ['2020-01-01T00:00:00+0060', undefined],
  ['2020-01-01T00:00:00+9999', undefined],
  // which error wins (messages compared in the differential test)
  ['2020-02-30T25:00:00Z', undefined],
  ['2020-02-30T23:00:00X', undefined],
  ['2020-01-01T25:00:00+2400', undefined],
  ['2020-02-30T00:00:00+2400', undefined],
];

/** [expression, expected outcome] */
const EXPRESSIONS: readonly (readonly [string, 'true' | 'false' | 'error'])[] = [
  ['datetime("2020-01-01") == datetime("2020-01-01T00:00:00Z")', 'true'],
  ['datetime("2020-01-01T01:00:00+0100") == datetime("2020-01-01")', 'true'],
  ['datetime("2020-01-01") == datetime("2020-01-02")', 'false'],
  ['datetime("1970-01-01") == duration("0ms")', 'false'],
  ['datetime("2020-01-01") == "2020-01-01"', 'false'],
  ['[datetime("2020-01-01"), datetime("2020-01-01T00:00:00.000Z")] == [datetime("2019-12-31T23:00:00-0100")]', 'true'],
  // operators between datetimes
  ['datetime("2020-01-01") < datetime("2020-01-02")', 'true'],
  ['datetime("2020-01-01") <= datetime("2020-01-01")', 'true'],
  ['datetime("2020-01-01") >= datetime("2020-01-01")', 'true'],
  ['datetime("2020-01-01") > datetime("2020-01-01T00:00:00.001Z")', 'false'],
  ['datetime("2020-01-01T00:00:00+0100") < datetime("2020-01-01")', 'true'],
  // offset and durationSince
  ['datetime("2020-01-01").offset(duration("1d")) == datetime("2020-01-02")', 'true'],
  ['datetime("2020-01-01").offset(duration("-1d")) == datetime("2019-12-31")', 'true'],
  ['datetime("2020-01-02").durationSince(datetime("2020-01-01")) == duration("1d")', 'true'],
  ['datetime("2020-01-01").durationSince(datetime("2020-01-02")) == duration("-1d")', 'true'],
  ['datetime("2020-01-01").durationSince(datetime("2020-01-01")) == duration("0ms")', 'true'],
  ['datetime("2020-01-01").offset(duration("1d")).durationSince(datetime("2020-01-01")).toDays() == 1', 'true'],
  // toDate / toTime: floor to midnight UTC, remainder non-negative
  ['datetime("2020-01-01T12:34:56.789Z").toDate() == datetime("2020-01-01")', 'true'],
  ['datetime("2020-01-01T12:34:56.789Z").toTime() == duration("12h34m56s789ms")', 'true'],
  ['datetime("1969-12-31T12:00:00Z").toDate() == datetime("1969-12-31")', 'true'],
  ['datetime("1969-12-31T12:00:00Z").toTime() == duration("12h")', 'true'],
  ['datetime("2020-01-01T12:00:00+0100").toTime() == duration("11h")', 'true'],
  ['datetime("2020-01-01T00:30:00+0100").toDate() == datetime("2019-12-31")', 'true'],
  ['datetime("0000-01-01T00:00:00+2359").toDate() < datetime("0000-01-01")', 'true'],
  // checked overflow at the ends of i64
  [
    'datetime("1970-01-01").offset(duration("9223372036854775807ms")).offset(duration("1ms")) == datetime("1970-01-01")',
    'error',
  ],
  [
    'datetime("1970-01-01").offset(duration("-9223372036854775808ms")).offset(duration("-1ms")) == datetime("1970-01-01")',
    'error',
  ],
  [
    'datetime("1970-01-01").offset(duration("-9223372036854775808ms")).durationSince(datetime("1970-01-02")) == duration("1ms")',
    'error',
  ],
  [
    'datetime("1970-01-02").durationSince(datetime("1970-01-01").offset(duration("-9223372036854775808ms"))) == duration("1ms")',
    'error',
  ],
  ['datetime("1970-01-01").offset(duration("-9223372036854775808ms")).toDate() == datetime("1970-01-01")', 'error'],
  ['datetime("1970-01-01").offset(duration("-9223372036854775808ms")).toTime() == duration("1ms")', 'false'],
  ['datetime("1970-01-01").offset(duration("-9223372036854775808ms")).toTime() == duration("16h47m4s192ms")', 'true'],
  ['datetime("1970-01-01").offset(duration("9223372036854775807ms")).toTime() == duration("7h12m55s807ms")', 'true'],
  [
    'datetime("1970-01-01").offset(duration("9223372036854775807ms")).toDate() < datetime("1970-01-01").offset(duration("9223372036854775807ms"))',
    'true',
  ],
  ['datetime("1970-01-01").offset(duration("-9223372036854775808ms")) < datetime("0000-01-01")', 'true'],
  [
    'datetime("1970-01-01").offset(duration("-9223372036854775807ms")).durationSince(datetime("1970-01-01")) == duration("-9223372036854775807ms")',
    'true',
  ],
  // type errors
  ['datetime("2020-01-01") < duration("1s")', 'error'],
  ['datetime("2020-01-01") > duration("1s")', 'error'],
  ['datetime("2020-01-01") < ip("1.1.1.1")', 'error'],
  ['ip("1.1.1.1") < datetime("2020-01-01")', 'error'],
  ['datetime("2020-01-01") < "a"', 'error'],
  ['datetime("2020-01-01") < 1', 'error'],
  ['datetime("2020-01-01") + duration("1d") == datetime("2020-01-02")', 'error'],
  ['datetime("2020-01-01").offset(1) == datetime("2020-01-01")', 'error'],
  ['datetime("2020-01-01").offset(datetime("2020-01-01")) == datetime("2020-01-01")', 'error'],
  ['datetime("2020-01-01").durationSince(duration("1d")) == duration("1d")', 'error'],
  ['datetime("2020-01-01").toDays() == 1', 'error'],
  ['datetime("2020-01-01").offset(duration("1d"), 1) == datetime("2020-01-01")', 'error'],
  ['datetime(1) == datetime(1)', 'error'],
  ['datetime("x") < datetime("2020-01-01")', 'error'],
  ['false && datetime("x") < datetime("2020-01-01")', 'false'],
];

const parseExpr = (s: string): string => `datetime(${lit(s)}) == datetime(${lit(s)})`;
const epoch = 'datetime("1970-01-01")';

describe('datetime', () => {
  describe('parsing', () => {
    it.each(PARSE)('datetime(%j) → %s ms', (s, ms) => {
      if (ms === undefined) expect(() => Datetime.parse(s)).toThrow();
      else expect(Datetime.parse(s).ms).toBe(ms);
    });
    it('table matches cedar-wasm (acceptance and value)', () => {
      const exprs = PARSE.map(([s, ms]) =>
        ms === undefined ? parseExpr(s) : `datetime(${lit(s)}).durationSince(${epoch}) == duration("${ms}ms")`,
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
    it('text forms: shortest ISO form within years 0000–9999, Cedar’s offset form beyond', () => {
      expect(Datetime.parse('2020-01-01T00:00:00.000Z').toString()).toBe('datetime("2020-01-01")');
      expect(Datetime.parse('2020-01-01T01:02:03+0100').toString()).toBe('datetime("2020-01-01T00:02:03Z")');
      expect(Datetime.parse('1969-12-31T23:59:59.999Z').isoText).toBe('1969-12-31T23:59:59.999Z');
      expect(Datetime.parse('0000-01-01').isoText).toBe('0000-01-01');
      const early = Datetime.parse('0000-01-01T00:00:00+0001');
      expect(early.hasIsoText).toBe(false);
      expect(early.toString()).toBe('datetime("1970-01-01").offset(duration("-62167219260000ms"))');
      expect(Datetime.parse('9999-12-31T23:59:59.999Z').toExtnJson()).toEqual({
        fn: 'datetime',
        arg: '9999-12-31T23:59:59.999Z',
      });
      expect(early.toExtnCall()).toEqual({
        fn: 'offset',
        args: [
          { __extn: { fn: 'datetime', arg: '1970-01-01' } },
          { __extn: { fn: 'duration', arg: '-62167219260000ms' } },
        ],
      });
    });
    it('overflow errors are of kind overflow, with Cedar messages', () => {
      const max = new Datetime(2n ** 63n - 1n);
      expect(() => max.offset(new Duration(1n))).toThrow(
        expect.objectContaining({
          kind: 'overflow',
          message:
            'error while evaluating `offset` extension function: overflows when adding an offset: datetime("1970-01-01").offset(duration("9223372036854775807ms"))+(1ms)',
        }),
      );
    });
    it('parse errors are of kind extension', () => {
      expect(() => Datetime.parse('2020-02-30')).toThrow(
        expect.objectContaining({
          kind: 'extension',
          message: 'error while evaluating `datetime` extension function: invalid date: 2020-02-30',
        }),
      );
    });
  });

  describe('properties against cedar-wasm', () => {
    const d2 = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const field = (valid: fc.Arbitrary<string>) =>
      fc.oneof({ weight: 8, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom('', '1', '001', 'x1', '٣٣') });
    const date = fc
      .tuple(
        field(
          fc.oneof(
            fc.integer({ min: 0, max: 9999 }).map((y) => String(y).padStart(4, '0')),
            fc.constantFrom('0000', '9999', '1970', '2000', '1900'),
          ),
        ),
        field(d2(13)),
        field(d2(32)),
      )
      .map(([y, m, d]) => `${y}-${m}-${d}`);
    const time = fc
      .tuple(
        field(d2(25)),
        field(d2(61)),
        field(d2(61)),
        fc.oneof(fc.constant(''), field(fc.integer({ min: 0, max: 999 }).map((n) => `.${String(n).padStart(3, '0')}`))),
      )
      .map(([h, m, s, ms]) => `T${h}:${m}:${s}${ms}`);
    const zone = fc.oneof(
      fc.constant('Z'),
      fc.tuple(fc.constantFrom('+', '-'), field(d2(25)), field(d2(61))).map(([s, h, m]) => `${s}${h}${m}`),
      fc.constantFrom('', 'z', '+01:00', '+01', 'ZZ', ' '),
    );
    const near = fc.oneof(
      date,
      fc.tuple(date, time, zone).map(([a, b, c]) => a + b + c),
    );
    const noise = fc.string({ unit: fc.constantFrom(...'0123456789-:.TZ+ '.split('')), maxLength: 30 });
    const anyInput = fc.oneof(near, near, near, noise);

    it('datetime(s) is accepted or rejected (same message), with the same value, exactly as Cedar', {
      timeout: PROPERTY_TIMEOUT,
    }, () => {
      fc.assert(
        fc.property(fc.array(anyInput, { minLength: 1, maxLength: 8 }), (inputs) => {
          const exprs = inputs.flatMap((s) => {
            const pin = (() => {
              try {
                const v = Datetime.parse(s);
                return [
                  `datetime(${lit(s)}).durationSince(${epoch}) == duration("${v.ms}ms")`,
                  `datetime(${lit(s)}) == ${v.toString()}`,
                ];
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

    const I64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
    const instant = fc.oneof(
      fc.bigInt(I64),
      fc.bigInt({ min: -1000n * D, max: 1000n * D }),
      fc.bigInt({ min: 2n ** 63n - 3n * D, max: 2n ** 63n - 1n }),
      fc.bigInt({ min: -(2n ** 63n), max: -(2n ** 63n) + 3n * D }),
    );
    const span = fc.oneof(fc.bigInt(I64), fc.bigInt({ min: -3n * D, max: 3n * D }));
    const at = (ms: bigint): string => `${epoch}.offset(duration("${ms}ms"))`;

    it('offset, durationSince, toDate, toTime and comparisons agree with Cedar, overflow included', {
      timeout: PROPERTY_TIMEOUT,
    }, () => {
      fc.assert(
        fc.property(instant, instant, span, (a, b, d) => {
          const A = at(a);
          const B = at(b);
          const va = new Datetime(a);
          const pin = (f: () => { toString(): string }): string => {
            try {
              return f().toString();
            } catch {
              return 'datetime("1970-01-01")';
            }
          };
          const exprs = [
            `${A} == ${B}`,
            `${A} < ${B}`,
            `${A} <= ${B}`,
            `${A} > ${B}`,
            `${A} >= ${B}`,
            `${A}.offset(duration("${d}ms")) == ${pin(() => va.offset(new Duration(d)))}`,
            `${A}.durationSince(${B}) == ${pin(() => va.durationSince(new Datetime(b)))}`,
            `${A}.toDate() == ${pin(() => va.toDate())}`,
            `${A}.toTime() == ${va.toTime().toString()}`,
            `${A} == ${va.toString()}`,
          ];
          expect(differential(exprs)).toEqual([]);
        }),
        { numRuns: runs(500) },
      );
    });
  });
});
