/**
 * @module test/extensions/ipaddr
 * `ipaddr`: table-driven cases (each also checked against cedar-wasm), a differential run of
 * every case, and fast-check properties comparing random inputs with cedar-wasm.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IpAddr } from '../../src/extensions/ipaddr.js';
import { EvaluationError } from '../../src/values/errors.js';
import { cedarOutcomes, differential, lit, mandateOutcome, PROPERTY_TIMEOUT, runs } from './harness.js';

/** [input, accepted by Cedar?] */
const PARSE: readonly (readonly [string, boolean])[] = [
  // IPv4
  ['1.2.3.4', true],
  ['0.0.0.0', true],
  ['255.255.255.255', true],
  ['1.2.3.0', true],
  ['01.2.3.4', false], // leading zero in an octet
  ['1.2.3.04', false],
  ['00.0.0.0', false],
  ['0.0.0.00', false],
  ['256.1.1.1', false],
  ['255.255.255.256', false],
  ['999.1.1.1', false],
  ['1.2.3', false],
  ['1.2.3.4.5', false],
  ['1..3.4', false],
  ['+1.2.3.4', false],
  ['1.2.+3.4', false],
  ['1.2.3.-4', false],
  ['0x1.2.3.4', false],
  ['١.2.3.4', false], // non-ASCII digit
  ['１.2.3.4', false],
  // whitespace, zones, brackets, empty
  [' 1.2.3.4', false],
  ['1.2.3.4 ', false],
  ['1.2.3.4\n', false],
  ['', false],
  ['fe80::1%eth0', false],
  ['1.2.3.4%1', false],
  ['[::1]', false],
  // prefixes
  ['1.2.3.4/0', true],
  ['1.2.3.4/1', true],
  ['1.2.3.4/9', true],
  ['1.2.3.4/10', true],
  ['1.2.3.4/32', true],
  ['1.2.3.4/33', false],
  ['1.2.3.4/08', false], // leading zero
  ['1.2.3.4/00', false],
  ['1.2.3.4/008', false],
  ['1.2.3.4/0008', false],
  ['1.2.3.4/+8', false],
  ['1.2.3.4/-0', false],
  ['1.2.3.4/-1', false],
  ['1.2.3.4/', false],
  ['1.2.3.4//8', false],
  ['1.2.3.4/ 8', false],
  ['1.2.3.4/3 ', false],
  ['1.2.3.4/1.2', false],
  ['1.2.3.4/0x8', false],
  ['1.2.3.4/0a', false],
  ['1.2.3.4/1a', false],
  ['1.2.3.4/128', false],
  ['1.2.3.4/256', false],
  ['1.2.3.4/32/1', false],
  ['1.2.3.4/999999999999999999999', false],
  ['1.2.3.4/٣', false],
  ['1.2.3.4/٣٣', false],
  ['/8', false],
  ['/', false],
  ['x/99', false],
  // total length: at most 43 UTF-8 bytes, checked before anything else
  ['0000:0000:0000:0000:0000:0000:0000:0000/128', true],
  ['0000:0000:0000:0000:0000:0000:0000:00000/128', false],
  ['0000:0000:0000:0000:0000:0000:0000:0000/0128', false],
  ['ééééééééééééééééééééééé', false],
  ['............................................::', false],
  // IPv6
  ['::', true],
  ['::1', true],
  ['1::', true],
  ['FE80::1', true],
  ['fe80::1', true],
  ['0:0:0:0:0:0:0:0', true],
  ['1:2:3:4:5:6:7:8', true],
  ['0001:2:3:4:5:6:7:8', true],
  ['1:2:3:4:5:6:7::', true],
  ['::1:2:3:4:5:6:7', true],
  ['1:2:3:4:5:6::7', true],
  ['::ffff:0:0', true],
  ['::FFFF:102:304', true],
  ['1:2:3:4:5:6:7:8:9', false],
  ['1:2:3:4:5:6:7', false],
  ['1:2:3:4:5:6:7::8', false], // `::` must stand for at least one group
  ['1:2:3:4:5:6:7:8::', false],
  ['::1:2:3:4:5:6:7:8', false],
  ['1::2::3', false],
  [':::', false],
  [':1::', false],
  ['1:::2', false],
  ['1:', false],
  [':1', false],
  ['::1:', false],
  ['a::b:', false],
  ['01234::1', false],
  ['00000:0:0:0:0:0:0:0', false],
  ['g::', false],
  ['::G', false],
  // embedded IPv4: always rejected, whatever the form
  ['::ffff:1.2.3.4', false],
  ['::1.2.3.4', false],
  ['1::1.2.3.4', false],
  ['1:2:3:4:5:6:1.2.3.4', false],
  ['::ffff:1.2.3.4/96', false],
  ['::1.2.3.4/8', false],
  ['a:b:c.d.e', false],
  [':.:.', false],
  ['::1.2', false],
  ['1:2.3.4', false],
  ['x.y:z', false],
  // IPv6 prefixes
  ['::/0', true],
  ['::/9', true],
  ['::/10', true],
  ['::/64', true],
  ['::/99', true],
  ['::/100', true],
  ['::/128', true],
  ['::/129', false],
  ['::/256', false],
  ['::/000', false],
  ['::1/01', false],
  ['::1/0128', false],
  ['::/0a', false],
  ['::/a0', false],
  ['::/0ab', false],
  ['::/٣', false],
  ['::1/x', false],
];

/** [expression, expected outcome] */
const EXPRESSIONS: readonly (readonly [string, 'true' | 'false' | 'error'])[] = [
  // equality: the address as written plus its prefix; host bits are not masked
  ['ip("10.0.0.1/24") == ip("10.0.0.0/24")', 'false'],
  ['ip("10.0.0.1/32") == ip("10.0.0.1")', 'true'],
  ['ip("::1/128") == ip("::1")', 'true'],
  ['ip("0::1") == ip("::1")', 'true'],
  ['ip("::FFFF:102:304") == ip("::ffff:102:304")', 'true'],
  ['ip("::ffff:102:304") == ip("1.2.3.4")', 'false'],
  ['ip("0.0.0.0/0") == ip("::/0")', 'false'],
  ['ip("0.0.0.0") == ip("::")', 'false'],
  ['ip("1.2.3.4") == "1.2.3.4"', 'false'],
  ['ip("1.2.3.4") != ip("1.2.3.5")', 'true'],
  ['[ip("10.0.0.1"), ip("10.0.0.1/32"), ip("0::1"), ip("::1")] == [ip("10.0.0.1"), ip("::1")]', 'true'],
  ['[ip("10.0.0.1/24")].contains(ip("10.0.0.0/24"))', 'false'],
  // family
  ['ip("1.2.3.4").isIpv4()', 'true'],
  ['ip("1.2.3.4").isIpv6()', 'false'],
  ['ip("::1").isIpv4()', 'false'],
  ['ip("::1").isIpv6()', 'true'],
  ['ip("::ffff:102:304").isIpv4()', 'false'],
  ['ip("0.0.0.0/0").isIpv4()', 'true'],
  // isInRange: block containment, same family only
  ['ip("1.2.3.4").isInRange(ip("1.0.0.0/8"))', 'true'],
  ['ip("2.2.3.4").isInRange(ip("1.0.0.0/8"))', 'false'],
  ['ip("10.0.0.1/24").isInRange(ip("10.0.0.0/24"))', 'true'],
  ['ip("10.0.0.0/24").isInRange(ip("10.0.0.1/24"))', 'true'],
  ['ip("10.0.0.0/23").isInRange(ip("10.0.0.1/24"))', 'false'],
  ['ip("10.0.0.0/24").isInRange(ip("10.0.0.0/23"))', 'true'],
  ['ip("10.0.1.0/24").isInRange(ip("10.0.0.0/23"))', 'true'],
  ['ip("10.0.2.0/24").isInRange(ip("10.0.0.0/23"))', 'false'],
  ['ip("1.2.3.4").isInRange(ip("1.2.3.4"))', 'true'],
  ['ip("1.2.3.4").isInRange(ip("0.0.0.0/0"))', 'true'],
  ['ip("0.0.0.0/0").isInRange(ip("1.2.3.4"))', 'false'],
  ['ip("255.255.255.255").isInRange(ip("128.0.0.0/1"))', 'true'],
  ['ip("::ffff:102:304").isInRange(ip("1.2.3.0/24"))', 'false'],
  ['ip("1.2.3.4").isInRange(ip("::ffff:0:0/96"))', 'false'],
  ['ip("1.2.3.4").isInRange(ip("::/0"))', 'false'],
  ['ip("::").isInRange(ip("0.0.0.0/0"))', 'false'],
  ['ip("2001:db8::1").isInRange(ip("2001:db8::/32"))', 'true'],
  ['ip("2001:db9::1").isInRange(ip("2001:db8::/32"))', 'false'],
  ['ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").isInRange(ip("8000::/1"))', 'true'],
  // loopback: block inside 127.0.0.0/8, or exactly ::1
  ['ip("127.0.0.1").isLoopback()', 'true'],
  ['ip("127.0.0.0/8").isLoopback()', 'true'],
  ['ip("127.0.0.0/7").isLoopback()', 'false'],
  ['ip("126.0.0.0/7").isLoopback()', 'false'],
  ['ip("127.255.255.255/32").isLoopback()', 'true'],
  ['ip("127.0.0.1/0").isLoopback()', 'false'],
  ['ip("128.0.0.1").isLoopback()', 'false'],
  ['ip("::1").isLoopback()', 'true'],
  ['ip("::1/127").isLoopback()', 'false'],
  ['ip("::/127").isLoopback()', 'false'],
  ['ip("::").isLoopback()', 'false'],
  ['ip("::ffff:7f00:1").isLoopback()', 'false'],
  // multicast: block inside 224.0.0.0/4 or ff00::/8
  ['ip("224.0.0.1").isMulticast()', 'true'],
  ['ip("224.0.0.0/4").isMulticast()', 'true'],
  ['ip("224.0.0.0/3").isMulticast()', 'false'],
  ['ip("239.255.255.255").isMulticast()', 'true'],
  ['ip("240.0.0.0").isMulticast()', 'false'],
  ['ip("223.255.255.255").isMulticast()', 'false'],
  ['ip("255.0.0.0/1").isMulticast()', 'false'],
  ['ip("ff00::/8").isMulticast()', 'true'],
  ['ip("ff00::/7").isMulticast()', 'false'],
  ['ip("ffff::1").isMulticast()', 'true'],
  ['ip("feff::1").isMulticast()', 'false'],
  ['ip("::ffff:e000:1").isMulticast()', 'false'],
  // errors: evaluation-time, lazily
  ['ip("bad").isIpv4()', 'error'],
  ['ip("::ffff:127.0.0.1").isLoopback()', 'error'],
  ['false && ip("bad").isIpv4()', 'false'],
  ['true || ip("bad").isIpv4()', 'true'],
  ['ip("1.1.1.1") == ip("bad")', 'error'],
  ['ip(1).isIpv4()', 'error'],
  ['"1.2.3.4".isIpv4()', 'error'],
  ['ip("1.1.1.1").isInRange("1.0.0.0/8")', 'error'],
  ['ip("1.1.1.1").isInRange(ip("1.0.0.0/8"), ip("2.0.0.0/8"))', 'error'],
  ['ip("1.1.1.1").isIpv4(1)', 'error'],
  ['ip("1.1.1.1").isInRange(decimal("1.0"))', 'error'],
  ['ip("1.1.1.1") < ip("1.1.1.2")', 'error'], // no operators on ipaddr
  ['ip("1.1.1.1")', 'error'], // not a bool
];

const parseExpr = (s: string): string => `ip(${lit(s)}) == ip(${lit(s)})`;

describe('ipaddr', () => {
  describe('parsing', () => {
    it.each(PARSE)('ip(%j) accepted: %s', (s, accepted) => {
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
    const exprs = [
      ...PARSE.map(([s]) => parseExpr(s)),
      ...PARSE.map(([s]) => `ip(${lit(s)}).isIpv4()`),
      ...EXPRESSIONS.map(([e]) => e),
    ];
    expect(differential(exprs)).toEqual([]);
  });

  describe('values', () => {
    it('canonical text round-trips and is stable', () => {
      expect(IpAddr.parse('0::1').toString()).toBe('ip("::1")');
      expect(IpAddr.parse('::FFFF:102:304').canonicalText).toBe('::ffff:102:304');
      expect(IpAddr.parse('1:0:0:2:0:0:0:3').canonicalText).toBe('1:0:0:2::3');
      expect(IpAddr.parse('1:0:0:2:0:0:3:4').canonicalText).toBe('1::2:0:0:3:4');
      expect(IpAddr.parse('1:0:2:3:4:5:6:7').canonicalText).toBe('1:0:2:3:4:5:6:7');
      expect(IpAddr.parse('10.0.0.1/24').toExtnJson()).toEqual({ fn: 'ip', arg: '10.0.0.1/24' });
      expect(IpAddr.parse('10.0.0.1/32').toExtnJson()).toEqual({ fn: 'ip', arg: '10.0.0.1' });
    });
    it('keys: equal values, equal keys; IPv4 and IPv6 never collide', () => {
      expect(IpAddr.parse('::1').canonicalKey()).toBe(IpAddr.parse('0:0::1/128').canonicalKey());
      expect(IpAddr.parse('0.0.0.1').canonicalKey()).not.toBe(IpAddr.parse('::1').canonicalKey());
      expect(IpAddr.parse('10.0.0.1/24').equals(IpAddr.parse('10.0.0.0/24'))).toBe(false);
    });
    it('errors are EvaluationErrors of kind extension, with Cedar messages', () => {
      let err: unknown;
      try {
        IpAddr.parse('1.2.3.4/33');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EvaluationError);
      expect(err).toMatchObject({
        kind: 'extension',
        message:
          'error while evaluating `ipaddr` extension function: error parsing prefix: 33 is larger than the limit 32',
      });
    });
    it('large inputs are rejected at once (Cedar caps the text at 43 bytes)', () => {
      const big = `${'1:'.repeat(200_000)}1`;
      const t = performance.now();
      expect(() => IpAddr.parse(big)).toThrow();
      expect(() => IpAddr.parse(`1.2.3.4/${'9'.repeat(1_000_000)}`)).toThrow();
      expect(performance.now() - t).toBeLessThan(5000);
    });
  });

  describe('properties against cedar-wasm', () => {
    const octet = fc.oneof(
      fc.integer({ min: 0, max: 255 }).map(String),
      fc.constantFrom('0', '00', '01', '127', '224', '239', '240', '255', '256', '999', '1000', ''),
    );
    const ipv4Text = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
    const group = fc.oneof(
      fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16)),
      fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16).toUpperCase().padStart(4, '0')),
      fc.constantFrom('0', 'ff00', 'ffff', '1', '00000', 'g', ''),
    );
    const ipv6Text = fc.tuple(fc.array(group, { maxLength: 9 }), fc.integer({ min: -1, max: 9 })).map(([gs, gap]) => {
      if (gap < 0 || gap > gs.length) return gs.join(':');
      return `${gs.slice(0, gap).join(':')}::${gs.slice(gap).join(':')}`;
    });
    const prefix = fc.oneof(
      fc.constant(''),
      fc.integer({ min: 0, max: 130 }).map((n) => `/${n}`),
      fc.constantFrom('/', '/00', '/08', '/+8', '/ 8', '/256', '/1a', '/0128'),
    );
    const near = fc.tuple(fc.oneof(ipv4Text, ipv6Text), prefix).map(([a, p]) => a + p);
    const noise = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFxX:./%- \t١'.split('')), maxLength: 24 });
    const anyInput = fc.oneof(near, near, noise);

    it('ip(s) is accepted or rejected (same message) exactly as Cedar', { timeout: PROPERTY_TIMEOUT }, () => {
      fc.assert(
        fc.property(fc.array(anyInput, { minLength: 1, maxLength: 8 }), (inputs) => {
          const exprs = inputs.flatMap((s) => [parseExpr(s), `ip(${lit(s)}).isIpv6()`]);
          expect(differential(exprs)).toEqual([]);
        }),
        { numRuns: runs(400) },
      );
    });

    // Valid values concentrated where the predicates change: small networks near the
    // loopback and multicast blocks and each other.
    const v4 = fc
      .tuple(
        fc.constantFrom(0, 10, 126, 127, 128, 223, 224, 239, 240, 255),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.oneof(fc.constant(32), fc.integer({ min: 0, max: 32 })),
      )
      .map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);
    const v6 = fc
      .tuple(
        fc.constantFrom('::', '::1', 'ff00::', 'feff::', 'ffff::', '::ffff:7f00:1', '2001:db8::', '::2'),
        fc.oneof(fc.constant(128), fc.integer({ min: 0, max: 128 })),
      )
      .map(([a, p]) => `${a}/${p}`);
    const valid = fc.oneof(v4, v4, v6);

    it('equality, isInRange, isLoopback, isMulticast and canonical text agree with Cedar', {
      timeout: PROPERTY_TIMEOUT,
    }, () => {
      fc.assert(
        fc.property(valid, valid, (a, b) => {
          const A = `ip(${lit(a)})`;
          const B = `ip(${lit(b)})`;
          const exprs = [
            `${A} == ${B}`,
            `${A}.isInRange(${B})`,
            `${B}.isInRange(${A})`,
            `${A}.isLoopback()`,
            `${A}.isMulticast()`,
            `${A}.isIpv4()`,
            // Mandate's canonical text denotes the same value for Cedar.
            `${A} == ${IpAddr.parse(a).toString()}`,
          ];
          expect(differential(exprs)).toEqual([]);
        }),
        { numRuns: runs(600) },
      );
    });
  });
});
