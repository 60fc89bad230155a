/**
 * @module test/semantics/cases/ipaddr
 * The `ipaddr` extension: strict parsing (no leading zeros, no embedded IPv4 in IPv6, no
 * zone ids or whitespace, prefix within range), `isIpv4`, `isIpv6`, `isLoopback`,
 * `isMulticast`, `isInRange`, equality and the absence of ordering.
 */
import { type CaseGroup, exprCase } from '../types.js';

export const ipaddr: CaseGroup = {
  topic: 'extension ipaddr',
  cases: [
    exprCase('isIpv4 on IPv4', 'ip("192.168.0.1").isIpv4()', 'true'),
    exprCase('isIpv4 on IPv6', 'ip("::1").isIpv4()', 'false'),
    exprCase('isIpv6 on IPv6', 'ip("2001:db8::1").isIpv6()', 'true'),
    exprCase('isIpv6 on IPv4', 'ip("10.0.0.1").isIpv6()', 'false'),
    exprCase('IPv4-mapped IPv6 written in hex is IPv6', 'ip("::ffff:102:304").isIpv6()', 'true'),
    exprCase('isIpv4 on a v4 range', 'ip("0.0.0.0/0").isIpv4()', 'true'),
    exprCase('isLoopback 127.0.0.1', 'ip("127.0.0.1").isLoopback()', 'true'),
    exprCase('isLoopback anywhere in 127/8', 'ip("127.255.0.1").isLoopback()', 'true'),
    exprCase('isLoopback ::1', 'ip("::1").isLoopback()', 'true'),
    exprCase('isLoopback :: (unspecified) is false', 'ip("::").isLoopback()', 'false'),
    exprCase('isLoopback public address', 'ip("1.2.3.4").isLoopback()', 'false'),
    exprCase('isMulticast 224.0.0.1', 'ip("224.0.0.1").isMulticast()', 'true'),
    exprCase('isMulticast ff02::1', 'ip("ff02::1").isMulticast()', 'true'),
    exprCase('isMulticast loopback is false', 'ip("127.0.0.1").isMulticast()', 'false'),
    exprCase('isInRange: host in network', 'ip("10.1.2.3").isInRange(ip("10.0.0.0/8"))', 'true'),
    exprCase('isInRange: host outside network', 'ip("11.0.0.1").isInRange(ip("10.0.0.0/8"))', 'false'),
    exprCase('isInRange: narrower range in wider', 'ip("10.0.0.0/16").isInRange(ip("10.0.0.0/8"))', 'true'),
    exprCase('isInRange: wider range not in narrower', 'ip("10.0.0.0/8").isInRange(ip("10.0.0.0/16"))', 'false'),
    exprCase('isInRange: a range is in itself', 'ip("10.0.0.0/8").isInRange(ip("10.0.0.0/8"))', 'true'),
    exprCase('isInRange: host in itself', 'ip("1.2.3.4").isInRange(ip("1.2.3.4"))', 'true'),
    exprCase('isInRange: non-network address with prefix', 'ip("1.2.3.4/24").isInRange(ip("1.2.3.0/24"))', 'true'),
    exprCase('isInRange: IPv6', 'ip("2001:db8::1").isInRange(ip("2001:db8::/32"))', 'true'),
    exprCase('isInRange: IPv4 is never in an IPv6 range', 'ip("10.0.0.1").isInRange(ip("::/0"))', 'false'),
    exprCase('isInRange: everything v4 is in 0.0.0.0/0', 'ip("203.0.113.9").isInRange(ip("0.0.0.0/0"))', 'true'),
    exprCase(
      'isInRange on a context string parsed with ip()',
      'ip(context.src).isInRange(ip("192.168.0.0/16"))',
      'true',
      {
        request: { context: { src: '192.168.10.20' } },
      },
    ),
    exprCase('isInRange with a string argument is a type error', 'ip("1.2.3.4").isInRange("1.2.3.0/24")', 'error'),
    exprCase('equality ignores IPv6 letter case', 'ip("FE80::1") == ip("fe80::1")', 'true'),
    exprCase('no normalization of the host part of a range', 'ip("1.2.3.4/24") == ip("1.2.3.0/24")', 'false'),
    exprCase('not ordered: < is a type error', 'ip("10.0.0.1") < ip("10.0.0.2")', 'error'),
    exprCase('invalid: three octets', 'ip("1.2.3").isIpv4()', 'error'),
    exprCase('invalid: octet above 255', 'ip("256.0.0.1").isIpv4()', 'error'),
    exprCase('invalid: leading zero in an octet', 'ip("01.2.3.4").isIpv4()', 'error'),
    exprCase('invalid: leading zero in the prefix', 'ip("1.2.3.4/08").isIpv4()', 'error'),
    exprCase('invalid: IPv4 prefix above 32', 'ip("1.2.3.4/33").isIpv4()', 'error'),
    exprCase('invalid: IPv6 prefix above 128', 'ip("::1/129").isIpv6()', 'error'),
    exprCase('invalid: embedded IPv4 in IPv6 notation', 'ip("::ffff:1.2.3.4").isIpv6()', 'error'),
    exprCase('invalid: zone id', 'ip("1.2.3.4%eth0").isIpv4()', 'error'),
    exprCase('invalid: surrounding whitespace', 'ip(" 1.2.3.4").isIpv4()', 'error'),
    exprCase('invalid: not an address', 'ip("localhost").isLoopback()', 'error'),
    exprCase('invalid string from context', 'ip(context.src).isIpv4()', 'error', {
      request: { context: { src: '10.0.0' } },
    }),
    exprCase('ip() of a Long is a type error', 'ip(1).isIpv4()', 'error'),
    exprCase('method on the wrong extension type is a type error', 'decimal("1.0").isIpv4()', 'error'),
    exprCase('wrong number of arguments is an evaluation error', 'ip("1.2.3.4").isIpv4(1)', 'error'),
    exprCase('an invalid ip in an untaken branch is harmless', 'true || ip("nope").isIpv4()', 'true'),
  ],
};
