/**
 * @module test/extensions/index
 * The extension registry: names as cedar-wasm's EST spells them, call style, arity and
 * argument-type errors, the ordering operators across every pair of value kinds,
 * `constructExtensionValue` (also against Cedar's `__extn` JSON), `compareExtension`.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareExtension,
  constructExtensionValue,
  Datetime,
  Decimal,
  Duration,
  EXTENSION_CONSTRUCTORS,
  EXTENSION_FUNCTIONS,
  IpAddr,
} from '../../src/extensions/index.js';
import { EvaluationError } from '../../src/values/errors.js';
import { differential, lit, PROPERTY_TIMEOUT, runs } from './harness.js';

/** One sample of every kind of value, as Cedar text. */
const SAMPLES: readonly string[] = [
  '"1.2.3.4"',
  '1',
  'true',
  'U::"a"',
  '[1]',
  '{a: 1}',
  'ip("1.2.3.4")',
  'decimal("1.5")',
  'datetime("2020-01-01")',
  'duration("1d")',
];

/** A valid argument list per function, receiver first. */
const VALID_ARGS: Readonly<Record<string, readonly string[]>> = {
  ip: ['"10.0.0.1"'],
  isIpv4: ['ip("10.0.0.1")'],
  isIpv6: ['ip("10.0.0.1")'],
  isLoopback: ['ip("10.0.0.1")'],
  isMulticast: ['ip("10.0.0.1")'],
  isInRange: ['ip("10.0.0.1")', 'ip("10.0.0.0/8")'],
  decimal: ['"1.5"'],
  lessThan: ['decimal("1.5")', 'decimal("2.5")'],
  lessThanOrEqual: ['decimal("1.5")', 'decimal("2.5")'],
  greaterThan: ['decimal("1.5")', 'decimal("2.5")'],
  greaterThanOrEqual: ['decimal("1.5")', 'decimal("2.5")'],
  datetime: ['"2020-01-01"'],
  offset: ['datetime("2020-01-01")', 'duration("1d")'],
  durationSince: ['datetime("2020-01-01")', 'datetime("2019-01-01")'],
  toDate: ['datetime("2020-01-01T10:00:00Z")'],
  toTime: ['datetime("2020-01-01T10:00:00Z")'],
  duration: ['"1h"'],
  toDays: ['duration("1d")'],
  toHours: ['duration("1d")'],
  toMinutes: ['duration("1d")'],
  toSeconds: ['duration("1d")'],
  toMilliseconds: ['duration("1d")'],
};

const NAMES = [...EXTENSION_FUNCTIONS.keys()];

/** Cedar text of a call in the function's own style. */
function call(name: string, args: readonly string[]): string {
  const fn = EXTENSION_FUNCTIONS.get(name);
  if (fn === undefined) throw new Error(name);
  if (!fn.isMethod) return `${name}(${args.join(', ')})`;
  const [receiver, ...rest] = args;
  return `${receiver ?? '1'}.${name}(${rest.join(', ')})`;
}

/** Wraps any value so the policy condition is a bool: the outcome shows whether it errored. */
const total = (expr: string): string => `${expr} == ${expr}`;

describe('extension registry', () => {
  it('holds exactly the 22 functions of Cedar 4.5, with a sample call for each', () => {
    expect(NAMES.sort()).toEqual(Object.keys(VALID_ARGS).sort());
    expect(NAMES).toHaveLength(22);
    for (const [name, fn] of EXTENSION_FUNCTIONS) {
      expect(fn.name).toBe(name);
      expect(fn.arity).toBe(VALID_ARGS[name]?.length);
    }
  });

  it.each(NAMES)('%s: its EST key is its registry name, and Cedar parses it in this call style only', (name) => {
    const expr = call(name, VALID_ARGS[name] ?? []);
    const answer = cedar.policyToJson(`permit(principal, action, resource) when { ${total(expr)} };`);
    expect(answer.type).toBe('success');
    const body = answer.type === 'success' ? answer.json.conditions[0]?.body : undefined;
    expect(Object.keys((body as Record<string, { left: object }>)['=='].left)).toEqual([name]);
    // The other style is a parse error.
    const fn = EXTENSION_FUNCTIONS.get(name);
    const args = VALID_ARGS[name] ?? [];
    const wrong = fn?.isMethod ? `${name}(${args.join(', ')})` : `${args[0]}.${name}()`;
    expect(cedar.policyToJson(`permit(principal, action, resource) when { ${total(wrong)} };`).type).toBe('failure');
  });

  it('unknown names are parse errors in Cedar (nothing for the registry to do)', () => {
    for (const name of ['ipaddr', 'foo', 'toString', 'isInRangeOf']) {
      expect(EXTENSION_FUNCTIONS.has(name)).toBe(false);
      expect(cedar.policyToJson(`permit(principal, action, resource) when { ${name}("x") == 1 };`).type).toBe(
        'failure',
      );
    }
  });

  it('EXTENSION_CONSTRUCTORS maps type names to constructors', () => {
    expect([...EXTENSION_CONSTRUCTORS]).toEqual([
      ['ipaddr', 'ip'],
      ['decimal', 'decimal'],
      ['datetime', 'datetime'],
      ['duration', 'duration'],
    ]);
  });

  it('valid calls, wrong arity and every wrong argument type give Cedar’s outcome and message', {
    timeout: PROPERTY_TIMEOUT,
  }, () => {
    const exprs: string[] = [];
    for (const name of NAMES) {
      const args = VALID_ARGS[name] ?? [];
      exprs.push(total(call(name, args)));
      exprs.push(total(call(name, [...args, '1'])));
      exprs.push(total(call(name, [...args, 'ip("bad")'])));
      if (args.length > 1) exprs.push(total(call(name, args.slice(0, -1))));
      args.forEach((_, position) => {
        for (const sample of SAMPLES) {
          const replaced = args.map((a, i) => (i === position ? sample : a));
          exprs.push(total(call(name, replaced)));
        }
      });
      // Two wrong arguments: the first one is reported.
      if (args.length === 2) exprs.push(total(call(name, ['"x"', 'true'])));
    }
    expect(exprs.length).toBeGreaterThan(250);
    expect(differential(exprs)).toEqual([]);
  });

  it('`<`, `<=`, `>`, `>=` over every pair of value kinds: datetime and duration only, exact messages', {
    timeout: PROPERTY_TIMEOUT,
  }, () => {
    const more = [...SAMPLES, 'datetime("2020-01-02")', 'duration("1h")', '2'];
    const exprs: string[] = [];
    for (const op of ['<', '<=', '>', '>=']) for (const a of more) for (const b of more) exprs.push(`${a} ${op} ${b}`);
    expect(differential(exprs)).toEqual([]);
  });

  it('constructExtensionValue builds each type and rejects what Cedar rejects', () => {
    expect(constructExtensionValue('ip', '10.0.0.1/8')).toBeInstanceOf(IpAddr);
    expect(constructExtensionValue('decimal', '1.5')).toBeInstanceOf(Decimal);
    expect(constructExtensionValue('datetime', '2020-01-01')).toBeInstanceOf(Datetime);
    expect(constructExtensionValue('duration', '1h')).toBeInstanceOf(Duration);
    for (const [fn, arg] of [
      ['ip', 'bad'],
      ['decimal', '1'],
      ['datetime', '2020-02-30'],
      ['duration', '1h1d'],
      ['ipaddr', '1.2.3.4'],
      ['isIpv4', '1.2.3.4'],
      ['nope', ''],
    ] as const) {
      expect(() => constructExtensionValue(fn, arg)).toThrow(expect.objectContaining({ kind: 'extension' }));
    }
    try {
      constructExtensionValue('ipaddr', '1.2.3.4');
    } catch (e) {
      expect(e).toBeInstanceOf(EvaluationError);
      expect((e as EvaluationError).message).toBe('extension function `ipaddr` does not exist');
    }
  });

  it('constructExtensionValue agrees with Cedar’s `__extn` request JSON', () => {
    const inputs: readonly (readonly [string, string])[] = [
      ['ip', '1.2.3.4'],
      ['ip', '::ffff:1.2.3.4'],
      ['ip', '10.0.0.1/33'],
      ['ipaddr', '1.2.3.4'],
      ['decimal', '1.0'],
      ['decimal', '1'],
      ['decimal', '922337203685477.5808'],
      ['datetime', '2020-01-01T00:00:00+0100'],
      ['datetime', '2020-01-01T00:00:00+01:00'],
      ['duration', '-9223372036854775808ms'],
      ['duration', '1s1d'],
      ['isIpv4', '1.2.3.4'],
    ];
    for (const [fn, arg] of inputs) {
      const answer = cedar.isAuthorized({
        principal: { type: 'P', id: 'p' },
        action: { type: 'A', id: 'a' },
        resource: { type: 'R', id: 'r' },
        context: { x: { __extn: { fn, arg } } },
        // Acceptance alone: naming `fn` in the policy text could make the policy unparsable.
        policies: { staticPolicies: 'permit(principal, action, resource) when { context.x == context.x };' },
        entities: [],
      });
      const cedarAccepts = answer.type === 'success';
      let mandateAccepts = true;
      try {
        constructExtensionValue(fn, arg);
      } catch {
        mandateAccepts = false;
      }
      // `isIpv4` is a function Cedar's JSON will apply — but to an ipaddr, not to a string.
      expect([fn, arg, mandateAccepts]).toEqual([fn, arg, cedarAccepts]);
    }
  });

  it('compareExtension orders datetimes and durations only', () => {
    const d1 = Datetime.parse('2020-01-01');
    const d2 = Datetime.parse('2020-01-02');
    expect(compareExtension(d1, d2)).toBeLessThan(0);
    expect(compareExtension(d2, d1)).toBeGreaterThan(0);
    expect(compareExtension(d1, Datetime.parse('2020-01-01T00:00:00Z'))).toBe(0);
    expect(compareExtension(Duration.parse('1d'), Duration.parse('24h'))).toBe(0);
    expect(compareExtension(Duration.parse('-1ms'), Duration.parse('0ms'))).toBeLessThan(0);
    expect(compareExtension(d1, Duration.parse('1d'))).toBeUndefined();
    expect(compareExtension(Decimal.parse('1.0'), Decimal.parse('2.0'))).toBeUndefined();
    expect(compareExtension(IpAddr.parse('1.1.1.1'), IpAddr.parse('1.1.1.2'))).toBeUndefined();
    expect(compareExtension(1n, 2n)).toBeUndefined();
  });

  it('arbitrary Unicode strings through every constructor: same outcome and message as Cedar', {
    timeout: PROPERTY_TIMEOUT,
  }, () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 50 }), fc.string({ unit: 'grapheme', maxLength: 12 }));
    fc.assert(
      fc.property(text, (s) => {
        const exprs = ['ip', 'decimal', 'datetime', 'duration'].map((fn) => `${fn}(${lit(s)}) == ${fn}(${lit(s)})`);
        expect(differential(exprs)).toEqual([]);
      }),
      { numRuns: runs(300) },
    );
  });
});
