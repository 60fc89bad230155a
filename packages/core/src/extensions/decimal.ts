/**
 * @module extensions/decimal
 * Cedar's `decimal` extension type: `decimal("…")`, `lessThan`, `lessThanOrEqual`,
 * `greaterThan`, `greaterThanOrEqual`. A value is a signed 64-bit integer scaled by 10⁴, so
 * the range is -922337203685477.5808 to 922337203685477.5807 and equality is numeric
 * (`decimal("1.0") == decimal("1.0000")`, `decimal("-0.0") == decimal("0.0")`).
 *
 * Syntax (Cedar 4.5, established against cedar-wasm): `-?D+\.D+`, digits required on both
 * sides of the point, no `+`, no exponent, no whitespace, 1–4 fractional digits. Cedar's
 * well-formedness check accepts any Unicode decimal digit (category Nd, Unicode 16), but its
 * integer conversion only ASCII ones, so `decimal("١.٠")` fails with Cedar's *overflow*
 * message; and it counts fractional digits in UTF-8 bytes. Checks run in Cedar's order so messages match:
 * shape → integer part fits i64 → integer part × 10⁴ fits → ≤ 4 fractional bytes → fraction
 * is ASCII → sum fits.
 *
 * Decimal values are not ordered by `<` and friends (Cedar: type error); only by the methods.
 */
import { utf8Length } from '../text/utf8.js';
import { EvaluationError } from '../values/errors.js';
import { ExtensionValue, I64_MAX, I64_MIN } from '../values/value.js';

const SCALE = 10_000n;
const FRACTION_DIGITS = 4;
const ERROR_PREFIX = 'error while evaluating `decimal` extension function: ';

/**
 * First code points of the non-ASCII runs of ten decimal digits (Unicode category Nd) in
 * Unicode 16, the version of the tables cedar-wasm 4.13's regex engine uses. A table rather
 * than `/\p{Nd}/u`, whose answer follows the running Node's ICU (Node 20.20 has Unicode 17,
 * which adds U+11DE0–11DE9 that Cedar does not treat as digits).
 */
const UNICODE_DIGIT_RUNS: readonly number[] = [
  0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20,
  0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0,
  0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30, 0x10d40, 0x11066, 0x110f0, 0x11136, 0x111d0,
  0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x116d0, 0x116da, 0x11730, 0x118e0, 0x11950, 0x11bf0, 0x11c50, 0x11d50,
  0x11da0, 0x11f50, 0x16130, 0x16a60, 0x16ac0, 0x16b50, 0x16d70, 0x1ccf0, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6,
  0x1e140, 0x1e2f0, 0x1e4f0, 0x1e5f1, 0x1e950, 0x1fbf0,
];

function isUnicodeDigit(c: number): boolean {
  if (c >= 0x30 && c <= 0x39) return true;
  for (const start of UNICODE_DIGIT_RUNS) {
    if (c < start) return false;
    if (c < start + 10) return true;
  }
  return false;
}

function decimalError(detail: string): EvaluationError {
  return new EvaluationError('extension', ERROR_PREFIX + detail);
}

/** `D+` in Cedar's well-formedness sense: non-empty, every code point a Unicode digit. */
function isDigitRun(s: string): boolean {
  if (s.length === 0) return false;
  for (const ch of s) if (!isUnicodeDigit(ch.codePointAt(0) as number)) return false;
  return true;
}

function isAsciiDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

const inI64 = (v: bigint): boolean => v >= I64_MIN && v <= I64_MAX;

/** A `decimal` value: `scaled / 10⁴`, with `scaled` a signed 64-bit integer. */
export class Decimal extends ExtensionValue {
  readonly extension = 'decimal';
  /** The value × 10⁴. */
  readonly scaled: bigint;

  constructor(scaled: bigint) {
    super();
    this.scaled = scaled;
  }

  /** Cedar's `decimal("…")`; throws an `extension` EvaluationError on anything Cedar rejects. */
  static parse(s: string): Decimal {
    const negative = s.startsWith('-');
    const body = negative ? s.slice(1) : s;
    const dot = body.indexOf('.');
    const intDigits = dot < 0 ? '' : body.slice(0, dot);
    const fracDigits = dot < 0 ? '' : body.slice(dot + 1);
    if (!isDigitRun(intDigits) || !isDigitRun(fracDigits)) {
      throw decimalError(`\`${s}\` is not a well-formed decimal value`);
    }
    const overflow = (): EvaluationError => decimalError('overflow when converting to decimal');
    if (!isAsciiDigits(intDigits)) throw overflow();
    // More than 19 significant digits cannot fit in i64; don't hand a huge string to BigInt.
    const significant = intDigits.replace(/^0+/, '');
    if (significant.length > 19) throw overflow();
    const magnitude = significant === '' ? 0n : BigInt(significant);
    const intPart = negative ? -magnitude : magnitude;
    if (!inI64(intPart)) throw overflow();
    const intScaled = intPart * SCALE;
    if (!inI64(intScaled)) throw overflow();
    const fracLength = utf8Length(fracDigits);
    if (fracLength > FRACTION_DIGITS) throw decimalError(`too many digits after the decimal in \`${s}\``);
    if (!isAsciiDigits(fracDigits)) throw overflow();
    const frac = BigInt(fracDigits) * 10n ** BigInt(FRACTION_DIGITS - fracLength);
    // The sign comes from the text, not from the integer part: `-0.5` is negative.
    const scaled = negative ? intScaled - frac : intScaled + frac;
    if (!inI64(scaled)) throw overflow();
    return new Decimal(scaled);
  }

  lessThan(other: Decimal): boolean {
    return this.scaled < other.scaled;
  }

  lessThanOrEqual(other: Decimal): boolean {
    return this.scaled <= other.scaled;
  }

  greaterThan(other: Decimal): boolean {
    return this.scaled > other.scaled;
  }

  greaterThanOrEqual(other: Decimal): boolean {
    return this.scaled >= other.scaled;
  }

  /** Shortest text that parses back to this value: `1.5`, `-0.0001`, `3.0`. */
  get canonicalText(): string {
    const negative = this.scaled < 0n;
    const magnitude = negative ? -this.scaled : this.scaled;
    const fraction = (magnitude % SCALE)
      .toString()
      .padStart(FRACTION_DIGITS, '0')
      .replace(/0{1,3}$/, '');
    return `${negative ? '-' : ''}${magnitude / SCALE}.${fraction}`;
  }

  canonicalKey(): string {
    return this.scaled.toString();
  }

  toString(): string {
    return `decimal("${this.canonicalText}")`;
  }

  toExtnJson(): { fn: string; arg: string } {
    return { fn: 'decimal', arg: this.canonicalText };
  }
}
