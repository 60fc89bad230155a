/**
 * @module extensions/duration
 * Cedar's `duration` extension type (part of Cedar's datetime extension): `duration("…")`,
 * `toDays`, `toHours`, `toMinutes`, `toSeconds`, `toMilliseconds`, and the `<`, `<=`, `>`,
 * `>=` operators between two durations. A value is a signed 64-bit count of milliseconds;
 * equality and order are by that count (`duration("1d") == duration("24h")`).
 *
 * Syntax (Cedar 4.5, established against cedar-wasm): an optional `-`, then one or more of
 * `Nd`, `Nh`, `Nm`, `Ns`, `Nms` in exactly that order, each at most once, N one or more ASCII
 * digits (leading zeros fine). No `+`, no spaces, no fractions, no per-unit signs
 * (`1d-2h`), no other units. The minus sign negates the whole sum, and only the sum must fit
 * in i64, so `-9223372036854775808ms` is accepted and `9223372036854775808ms` overflows.
 *
 * The `toX` conversions truncate toward zero (`duration("-1d23h").toDays() == -1`).
 */
import { EvaluationError } from '../values/errors.js';
import { ExtensionValue, I64_MAX, I64_MIN } from '../values/value.js';

export const MS_PER_SECOND = 1000n;
export const MS_PER_MINUTE = 60_000n;
export const MS_PER_HOUR = 3_600_000n;
export const MS_PER_DAY = 86_400_000n;

/** Units in the only order Cedar accepts them. `m` is minutes, `ms` milliseconds. */
const UNITS: readonly (readonly [string, bigint])[] = [
  ['d', MS_PER_DAY],
  ['h', MS_PER_HOUR],
  ['m', MS_PER_MINUTE],
  ['s', MS_PER_SECOND],
  ['ms', 1n],
];

const ERROR_PREFIX = 'error while evaluating `duration` extension function: ';

function durationError(detail: string): EvaluationError {
  return new EvaluationError('extension', ERROR_PREFIX + detail);
}

const isAsciiDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** Digits beyond this (after leading zeros) cannot fit in i64 whatever the unit. */
const MAX_SIGNIFICANT_DIGITS = 19;

/**
 * Total milliseconds of `s` (sign applied); `undefined` if `s` is not well formed; `null` if
 * it is well formed but out of range (Cedar reports the pattern error first). A single
 * left-to-right scan: digits, then a unit name, with the next unit strictly later in UNITS.
 * Over-long digit runs are never converted, so a huge input costs linear time.
 */
function scanDuration(s: string): bigint | null | undefined {
  let i = 0;
  const negative = s.charCodeAt(0) === 0x2d;
  if (negative) i = 1;
  let nextUnit = 0;
  let total: bigint | null = 0n;
  let components = 0;
  while (i < s.length) {
    const start = i;
    while (i < s.length && isAsciiDigit(s.charCodeAt(i))) i++;
    if (i === start) return undefined;
    let unit: number;
    if (s.startsWith('ms', i)) unit = 4;
    else {
      unit = UNITS.findIndex(([name]) => name.length === 1 && name === s[i]);
      if (unit < 0) return undefined;
    }
    if (unit < nextUnit) return undefined;
    const [name, factor] = UNITS[unit] as readonly [string, bigint];
    let digitsStart = start;
    while (digitsStart < i - 1 && s.charCodeAt(digitsStart) === 0x30) digitsStart++;
    if (i - digitsStart > MAX_SIGNIFICANT_DIGITS) total = null;
    else if (total !== null) total += BigInt(s.slice(digitsStart, i)) * factor;
    i += name.length;
    nextUnit = unit + 1;
    components++;
  }
  if (components === 0) return undefined;
  if (total === null) return null;
  return negative ? -total : total;
}

/** A `duration` value: a signed 64-bit number of milliseconds. */
export class Duration extends ExtensionValue {
  readonly extension = 'duration';
  readonly ms: bigint;

  constructor(ms: bigint) {
    super();
    this.ms = ms;
  }

  /** Cedar's `duration("…")`; throws an `extension` EvaluationError on anything Cedar rejects. */
  static parse(s: string): Duration {
    const total = scanDuration(s);
    if (total === undefined) throw durationError('invalid duration pattern');
    if (total === null || total < I64_MIN || total > I64_MAX)
      throw durationError('Duration overflows internal representation');
    return new Duration(total);
  }

  toDays(): bigint {
    return this.ms / MS_PER_DAY;
  }

  toHours(): bigint {
    return this.ms / MS_PER_HOUR;
  }

  toMinutes(): bigint {
    return this.ms / MS_PER_MINUTE;
  }

  toSeconds(): bigint {
    return this.ms / MS_PER_SECOND;
  }

  toMilliseconds(): bigint {
    return this.ms;
  }

  compare(other: Duration): number {
    return this.ms < other.ms ? -1 : this.ms > other.ms ? 1 : 0;
  }

  canonicalKey(): string {
    return this.ms.toString();
  }

  /** Cedar displays durations in messages as `<n>ms`; this is the text inside them. */
  get canonicalText(): string {
    return `${this.ms}ms`;
  }

  toString(): string {
    return `duration("${this.canonicalText}")`;
  }

  toExtnJson(): { fn: string; arg: string } {
    return { fn: 'duration', arg: this.canonicalText };
  }
}
