/**
 * @module extensions/ipaddr
 * Cedar's `ipaddr` extension type: `ip("…")`, `isIpv4`, `isIpv6`, `isLoopback`,
 * `isMulticast`, `isInRange`. Parsing and semantics follow Cedar 4.5 (cedar-wasm 4.13) as
 * established by experiment; the tests in `test/extensions/ipaddr.test.ts` pin every rule
 * below against cedar-wasm.
 *
 * Accepted syntax: `ADDR` or `ADDR/PREFIX`, nothing else (no whitespace, no zone id `%eth0`,
 * no brackets), at most 43 UTF-8 bytes in all (checked first).
 * - IPv4 `ADDR`: exactly four dot-separated ASCII decimal octets ≤ 255, 1–3 digits each, no
 *   leading zero (`01.2.3.4` is rejected; `0` alone is fine).
 * - IPv6 `ADDR`: eight colon-separated groups of 1–4 ASCII hex digits (either case), or fewer
 *   with one `::` that stands for at least one zero group (`1:2:3:4:5:6:7::8` is rejected).
 *   IPv4-embedded forms (`::ffff:1.2.3.4`, `::1.2.3.4`) are always rejected: Cedar refuses any
 *   string with at least two `:` and at least two `.` before parsing it.
 * - `PREFIX`: ASCII decimal, no leading zero (`/0` is fine, `/08`, `/00` are not), ≤ 32 for
 *   IPv4 and ≤ 128 for IPv6. The string is split at the first `/`.
 *
 * A value is the address exactly as written plus its prefix (32 or 128 when absent); the
 * host bits are NOT masked off. Hence `ip("10.0.0.1/24") != ip("10.0.0.0/24")`, while
 * `ip("10.0.0.1") == ip("10.0.0.1/32")` and `ip("::1") == ip("0::1")`. IPv4 and IPv6 are
 * disjoint: `ip("::ffff:102:304")` is an IPv6 value, unequal to `ip("1.2.3.4")`, not IPv4
 * and not in any IPv4 range.
 *
 * Range predicates treat a value as the CIDR block it denotes (address with host bits
 * cleared, up to all host bits set):
 * - `a.isInRange(b)`: same family and a's block ⊆ b's block (so `ip("10.0.0.1/24")` and
 *   `ip("10.0.0.0/24")` are in range of each other);
 * - `isLoopback`: block ⊆ 127.0.0.0/8, or = ::1/128;
 * - `isMulticast`: block ⊆ 224.0.0.0/4, or ⊆ ff00::/8.
 */
import { utf8Length } from '../text/utf8.js';
import { EvaluationError } from '../values/errors.js';
import { ExtensionValue } from '../values/value.js';

const V4_BITS = 32;
const V6_BITS = 128;
/** Cedar rejects longer strings (in UTF-8 bytes) before looking at them. */
const MAX_TEXT_LENGTH = 43;

/** Cedar's error messages for the `ip` constructor all start this way. */
const ERROR_PREFIX = 'error while evaluating `ipaddr` extension function: ';

function ipError(detail: string): EvaluationError {
  return new EvaluationError('extension', ERROR_PREFIX + detail);
}

const isAsciiDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

function hexDigitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Four octets, no leading zeros; undefined when the text is not exactly that. */
function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (part.length === 0 || part.length > 3) return undefined;
    if (part.length > 1 && part.charCodeAt(0) === 0x30) return undefined;
    let octet = 0;
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i);
      if (!isAsciiDigit(c)) return undefined;
      octet = octet * 10 + (c - 0x30);
    }
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return BigInt(value);
}

/** `g:g:…` with 1–4 hex digits per group; `''` is zero groups. Undefined when malformed. */
function parseGroups(s: string): number[] | undefined {
  if (s.length === 0) return [];
  const groups: number[] = [];
  for (const part of s.split(':')) {
    if (part.length === 0 || part.length > 4) return undefined;
    let g = 0;
    for (let i = 0; i < part.length; i++) {
      const d = hexDigitValue(part.charCodeAt(i));
      if (d < 0) return undefined;
      g = g * 16 + d;
    }
    groups.push(g);
  }
  return groups;
}

/** IPv6 without embedded IPv4 (which Cedar rejects up front anyway). */
function parseIpv6(s: string): bigint | undefined {
  const gap = s.indexOf('::');
  let groups: number[];
  if (gap < 0) {
    const all = parseGroups(s);
    if (all === undefined || all.length !== 8) return undefined;
    groups = all;
  } else {
    const head = parseGroups(s.slice(0, gap));
    const tail = parseGroups(s.slice(gap + 2));
    // A second `::` shows up as an empty group in the tail; `::` must stand for ≥ 1 group.
    if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

function parseAddress(s: string): { v6: boolean; addr: bigint } | undefined {
  const v4 = parseIpv4(s);
  if (v4 !== undefined) return { v6: false, addr: v4 };
  const v6 = parseIpv6(s);
  if (v6 !== undefined) return { v6: true, addr: v6 };
  return undefined;
}

/**
 * The prefix after `/`. The checks run in Cedar's order, so that the message matches:
 * length (≤ 2 bytes for IPv4, ≤ 3 for IPv6), non-digit, leading zero, empty, u8 range, family limit.
 */
function parsePrefix(p: string, v6: boolean): number {
  const maxLength = v6 ? 3 : 2;
  const length = utf8Length(p);
  if (length > maxLength) throw ipError(`error parsing prefix: string length ${length} is too large`);
  let n = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (!isAsciiDigit(c)) throw ipError(`error parsing prefix \`${p}\`: encountered non-digit`);
    n = n * 10 + (c - 0x30);
  }
  if (p.length > 1 && p.charCodeAt(0) === 0x30) throw ipError(`error parsing prefix \`${p}\`: leading zero(s)`);
  if (p.length === 0) throw ipError('error parsing prefix from the string ``: cannot parse integer from empty string');
  if (n > 255) throw ipError(`error parsing prefix from the string \`${p}\`: number too large to fit in target type`);
  const limit = v6 ? V6_BITS : V4_BITS;
  if (n > limit) throw ipError(`error parsing prefix: ${n} is larger than the limit ${limit}`);
  return n;
}

function countChar(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

function formatIpv6(addr: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((addr >> shift) & 0xffffn));
  // Compress the longest run (≥ 2) of zero groups, leftmost on ties (RFC 5952). Never the
  // dotted IPv4 tail RFC 5952 would use for mapped addresses: Cedar rejects that form.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/** An `ipaddr` value: an IPv4 or IPv6 address with a prefix length (a CIDR block). */
export class IpAddr extends ExtensionValue {
  readonly extension = 'ipaddr';
  readonly isV6: boolean;
  /** The address as written (host bits kept): 32-bit for IPv4, 128-bit for IPv6. */
  readonly addr: bigint;
  readonly prefix: number;
  /** First and last address of the block. */
  readonly first: bigint;
  readonly last: bigint;

  constructor(isV6: boolean, addr: bigint, prefix: number) {
    super();
    this.isV6 = isV6;
    this.addr = addr;
    this.prefix = prefix;
    const hostBits = BigInt((isV6 ? V6_BITS : V4_BITS) - prefix);
    const hostMask = (1n << hostBits) - 1n;
    this.first = addr & ~hostMask;
    this.last = this.first | hostMask;
  }

  /** Cedar's `ip("…")`; throws an `extension` EvaluationError on anything Cedar rejects. */
  static parse(s: string): IpAddr {
    // Longest acceptable text: eight 4-digit groups, 7 colons, `/128`.
    if (utf8Length(s) > MAX_TEXT_LENGTH) {
      throw ipError(`error parsing IP address from string \`${s}\`: string length is too large`);
    }
    if (countChar(s, ':') >= 2 && countChar(s, '.') >= 2) {
      throw ipError(
        `error parsing IP address from string: We do not accept IPv4 embedded in IPv6 (e.g., ::ffff:127.0.0.1). Found: \`${s}\``,
      );
    }
    const slash = s.indexOf('/');
    if (slash < 0) {
      const a = parseAddress(s);
      if (a === undefined) throw ipError(`invalid IP address: ${s}`);
      return new IpAddr(a.v6, a.addr, a.v6 ? V6_BITS : V4_BITS);
    }
    const addrText = s.slice(0, slash);
    const a = parseAddress(addrText);
    if (a === undefined)
      throw ipError(`error parsing IP address from the string \`${addrText}\`: invalid IP address syntax`);
    return new IpAddr(a.v6, a.addr, parsePrefix(s.slice(slash + 1), a.v6));
  }

  isIpv4(): boolean {
    return !this.isV6;
  }

  isIpv6(): boolean {
    return this.isV6;
  }

  /** This block lies within `range`'s block (same family only). */
  isInRange(range: IpAddr): boolean {
    return this.isV6 === range.isV6 && this.first >= range.first && this.last <= range.last;
  }

  isLoopback(): boolean {
    return this.isInRange(this.isV6 ? V6_LOOPBACK : V4_LOOPBACK);
  }

  isMulticast(): boolean {
    return this.isInRange(this.isV6 ? V6_MULTICAST : V4_MULTICAST);
  }

  /** Canonical text: dotted quad or compressed lowercase IPv6, `/prefix` unless full length. */
  get canonicalText(): string {
    let text: string;
    if (this.isV6) text = formatIpv6(this.addr);
    else {
      const a = Number(this.addr);
      text = `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
    }
    return this.prefix === (this.isV6 ? V6_BITS : V4_BITS) ? text : `${text}/${this.prefix}`;
  }

  canonicalKey(): string {
    return `${this.isV6 ? '6' : '4'}:${this.addr.toString(16)}/${this.prefix}`;
  }

  toString(): string {
    return `ip("${this.canonicalText}")`;
  }

  toExtnJson(): { fn: string; arg: string } {
    return { fn: 'ip', arg: this.canonicalText };
  }
}

const V4_LOOPBACK = IpAddr.parse('127.0.0.0/8');
const V6_LOOPBACK = IpAddr.parse('::1');
const V4_MULTICAST = IpAddr.parse('224.0.0.0/4');
const V6_MULTICAST = IpAddr.parse('ff00::/8');
