/**
 * @module extensions/datetime
 * Cedar's `datetime` extension type: `datetime("…")`, `offset`, `durationSince`, `toDate`,
 * `toTime`, and the `<`, `<=`, `>`, `>=` operators between two datetimes. A value is a signed
 * 64-bit count of milliseconds since 1970-01-01T00:00:00Z; equality and order are by that
 * count (`datetime("2020-01-01T01:00:00+0100") == datetime("2020-01-01")`).
 *
 * Syntax (Cedar 4.5, established against cedar-wasm), ASCII digits only:
 *   `YYYY-MM-DD`                                 midnight UTC
 *   `YYYY-MM-DDThh:mm:ssZ`, `YYYY-MM-DDThh:mm:ss.SSSZ`
 *   `YYYY-MM-DDThh:mm:ss±hhmm`, `YYYY-MM-DDThh:mm:ss.SSS±hhmm`
 * Exactly four year digits (0000–9999, proleptic Gregorian, year 0 is a leap year), exactly
 * three millisecond digits, upper-case `T` and `Z`, no `:` in the offset. Hours ≤ 23,
 * minutes and seconds ≤ 59 (no leap second 60); offset hours ≤ 23 and minutes ≤ 59. The
 * whole pattern is checked before any field is range-checked, then date, time, offset — the
 * order decides which of Cedar's messages appears, which we reproduce.
 *
 * Arithmetic is checked: `offset` and `durationSince` overflow i64 → error; `toDate` (floor
 * to midnight UTC, also for times before 1970) can overflow below i64's minimum → error;
 * `toTime` is the non-negative remainder, a duration in [0, 1d).
 */
import { EvaluationError } from '../values/errors.js';
import { ExtensionValue, I64_MAX, I64_MIN } from '../values/value.js';
import { Duration, MS_PER_DAY } from './duration.js';

const ERROR_PREFIX = 'error while evaluating `datetime` extension function: ';

function datetimeError(detail: string): EvaluationError {
  return new EvaluationError('extension', ERROR_PREFIX + detail);
}

function overflowError(fn: string, detail: string): EvaluationError {
  return new EvaluationError('overflow', `error while evaluating \`${fn}\` extension function: ${detail}`);
}

/** Whether `s[at..]` has ASCII digits at the offsets marked `d` in `shape` and literal chars elsewhere. */
function matchesShape(s: string, at: number, shape: string): boolean {
  if (s.length < at + shape.length) return false;
  for (let i = 0; i < shape.length; i++) {
    const c = s.charCodeAt(at + i);
    if (shape[i] === 'd') {
      if (c < 0x30 || c > 0x39) return false;
    } else if (c !== shape.charCodeAt(i)) return false;
  }
  return true;
}

/** Value of the ASCII digits `s[from..to)` (already checked to be digits). */
function digitsAt(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (s.charCodeAt(i) - 0x30);
  return n;
}

const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (any integer year). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of {@link daysFromCivil}. */
function civilFromDays(days: number): { y: number; m: number; d: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/** Euclidean remainder: always in [0, divisor). */
function floorMod(a: bigint, divisor: bigint): bigint {
  const r = a % divisor;
  return r < 0n ? r + divisor : r;
}

/** First and last instants with a four-digit UTC year, for the ISO text form. */
const ISO_MIN = BigInt(daysFromCivil(0, 1, 1)) * MS_PER_DAY;
const ISO_MAX = BigInt(daysFromCivil(10000, 1, 1)) * MS_PER_DAY - 1n;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** A `datetime` value: signed 64-bit milliseconds since the Unix epoch (UTC). */
export class Datetime extends ExtensionValue {
  readonly extension = 'datetime';
  readonly ms: bigint;

  constructor(ms: bigint) {
    super();
    this.ms = ms;
  }

  /** Cedar's `datetime("…")`; throws an `extension` EvaluationError on anything Cedar rejects. */
  static parse(s: string): Datetime {
    // 1. Shape of every part, left to right.
    if (!matchesShape(s, 0, 'dddd-dd-dd')) throw datetimeError('invalid date pattern');
    let timeMs = 0;
    let offsetMinutes = 0;
    let hmsText: string | undefined;
    let offsetSign = 0;
    let offsetHours = 0;
    let offsetMins = 0;
    if (s.length > 10) {
      if (!matchesShape(s, 10, 'Tdd:dd:dd')) throw datetimeError('invalid hour/minute/second pattern');
      let at = 19;
      let millis = 0;
      if (matchesShape(s, at, '.ddd')) {
        millis = digitsAt(s, at + 1, at + 4);
        at += 4;
      }
      const zone = s.slice(at);
      if (zone !== 'Z') {
        const sign = zone[0];
        if (zone.length !== 5 || (sign !== '+' && sign !== '-') || !matchesShape(zone, 1, 'dddd')) {
          throw datetimeError('invalid millisecond and/or offset pattern');
        }
        offsetSign = sign === '+' ? 1 : -1;
        offsetHours = digitsAt(zone, 1, 3);
        offsetMins = digitsAt(zone, 3, 5);
      }
      hmsText = s.slice(11, 19);
      const hh = digitsAt(s, 11, 13);
      const mm = digitsAt(s, 14, 16);
      const ss = digitsAt(s, 17, 19);
      timeMs = hh < 24 && mm < 60 && ss < 60 ? ((hh * 60 + mm) * 60 + ss) * 1000 + millis : -1;
      offsetMinutes = offsetSign * (offsetHours * 60 + offsetMins);
    }
    // 2. Ranges: date, then time, then offset.
    const y = digitsAt(s, 0, 4);
    const m = digitsAt(s, 5, 7);
    const d = digitsAt(s, 8, 10);
    if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) throw datetimeError(`invalid date: ${s.slice(0, 10)}`);
    if (timeMs < 0) throw datetimeError(`invalid hour/minute/second: ${hmsText}`);
    if (offsetHours >= 24 || offsetMins >= 60) throw datetimeError(`invalid offset range: ${offsetHours}${offsetMins}`);
    // Local time minus the offset is UTC; at most ±(10⁴ years) ms, exact in a double.
    const total = daysFromCivil(y, m, d) * 86_400_000 + timeMs - offsetMinutes * 60_000;
    return new Datetime(BigInt(total));
  }

  /** `this + d`; overflow is an error. */
  offset(d: Duration): Datetime {
    const r = this.ms + d.ms;
    if (r < I64_MIN || r > I64_MAX) {
      throw overflowError('offset', `overflows when adding an offset: ${this.cedarDisplay()}+(${d.canonicalText})`);
    }
    return new Datetime(r);
  }

  /** `this - other` as a duration; overflow is an error. */
  durationSince(other: Datetime): Duration {
    const r = this.ms - other.ms;
    if (r < I64_MIN || r > I64_MAX) {
      throw overflowError(
        'durationSince',
        `overflows when computing the duration between ${this.cedarDisplay()} and ${other.cedarDisplay()}`,
      );
    }
    return new Duration(r);
  }

  /** Midnight UTC of this day (floor, also before 1970); below i64's minimum is an error. */
  toDate(): Datetime {
    const r = this.ms - floorMod(this.ms, MS_PER_DAY);
    if (r < I64_MIN) throw overflowError('toDate', `overflows when computing the date of ${this.cedarDisplay()}`);
    return new Datetime(r);
  }

  /** Time since midnight UTC, in [0, 1d). */
  toTime(): Duration {
    return new Duration(floorMod(this.ms, MS_PER_DAY));
  }

  compare(other: Datetime): number {
    return this.ms < other.ms ? -1 : this.ms > other.ms ? 1 : 0;
  }

  /** Whether {@link isoText} exists: the UTC year has four digits (0000–9999). */
  get hasIsoText(): boolean {
    return this.ms >= ISO_MIN && this.ms <= ISO_MAX;
  }

  /**
   * Shortest of Cedar's accepted forms that denotes this instant in UTC (`2020-01-01`,
   * `2020-01-01T10:00:00Z`, `2020-01-01T10:00:00.123Z`); undefined outside years 0000–9999,
   * which no `datetime("…")` string can reach.
   */
  get isoText(): string | undefined {
    if (!this.hasIsoText) return undefined;
    const dayMs = Number(floorMod(this.ms, MS_PER_DAY));
    const { y, m, d } = civilFromDays(Number((this.ms - BigInt(dayMs)) / MS_PER_DAY));
    const date = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
    if (dayMs === 0) return date;
    const millis = dayMs % 1000;
    const secs = Math.floor(dayMs / 1000);
    const time = `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}`;
    return `${date}T${time}${millis === 0 ? '' : `.${pad(millis, 3)}`}Z`;
  }

  /** How Cedar prints a datetime in its messages; valid Cedar for every value. */
  cedarDisplay(): string {
    return `datetime("1970-01-01").offset(duration("${this.ms}ms"))`;
  }

  canonicalKey(): string {
    return this.ms.toString();
  }

  /** `datetime("<isoText>")`, or Cedar's `offset` form when there is no ISO text. */
  toString(): string {
    const iso = this.isoText;
    return iso === undefined ? this.cedarDisplay() : `datetime("${iso}")`;
  }

  /**
   * `{fn: "datetime", arg: isoText}`. Lossless only when {@link hasIsoText}: `offset` can
   * reach instants no string denotes. For those the arg is the `offset` form's text, which
   * `datetime()` rejects; a caller that needs exact JSON there should use {@link toExtnCall}
   * (Cedar's JSON accepts `{"__extn": {"fn": "offset", "args": [...]}}`).
   */
  toExtnJson(): { fn: string; arg: string } {
    return { fn: 'datetime', arg: this.isoText ?? this.cedarDisplay() };
  }

  /** Exact `__extn` call for every value: `offset(datetime("1970-01-01"), duration("<ms>ms"))`. */
  toExtnCall(): {
    fn: 'offset';
    args: [{ __extn: { fn: string; arg: string } }, { __extn: { fn: string; arg: string } }];
  } {
    return {
      fn: 'offset',
      args: [{ __extn: { fn: 'datetime', arg: '1970-01-01' } }, { __extn: { fn: 'duration', arg: `${this.ms}ms` } }],
    };
  }
}
