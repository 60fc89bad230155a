/**
 * @module extensions
 * Cedar's extension types (ipaddr, decimal, datetime, duration) and the registry of their
 * functions, as named in Cedar's JSON policy format (EST): `{"ip": [arg]}`,
 * `{"isInRange": [receiver, arg]}` — methods take their receiver as the first argument.
 *
 * CONTRACT (used by the compiler, the JSON parsers and the schema-aware parsers):
 * - `EXTENSION_FUNCTIONS.get(name)` → {@link ExtensionFunction} or undefined (unknown name).
 * - `constructExtensionValue(fn, arg)` builds a value from a constructor name (`ip`,
 *   `decimal`, `datetime`, `duration`) and its string argument; throws an
 *   {@link EvaluationError} (kind `extension`) when Cedar would reject the string.
 * - `compareExtension(a, b)` orders two values of the same comparable extension type
 *   (datetime, duration), for Cedar's `<`, `<=`, `>`, `>=` on them; undefined when the pair
 *   cannot be compared with operators.
 *
 * WHEN CEDAR CHECKS EXTENSION CALLS (cedar-wasm 4.13, by experiment; the compiler mirrors it):
 * - Parsing (`checkParsePolicySet`, `policyToJson`, `isAuthorized`) rejects only unknown
 *   function names (`foo("x")`, `ipaddr("x")`: "`foo` is not a valid function") and calls in
 *   the wrong style (`isIpv4(x)`: "is a method, not a function"; `x.ip()`: "is a function, not
 *   a method"). It does NOT check arity, argument types or literal strings: `ip("bad")`,
 *   `ip(1)`, `ip("a", "b")` and `decimal("1")` all parse, and `policyToJson` emits them as is.
 * - Evaluation reports those as errors of the policy that evaluates them, lazily: the policy
 *   is skipped with an error, and `false && ip("bad").isIpv4()` is simply false. So the
 *   compiler may construct literal-argument values once at compile time, but a failure must
 *   become a closure that throws the same error when (and only if) it is reached.
 * - The validator (`validate`, with a schema) is what rejects literal arguments Cedar cannot
 *   parse ("error during extension function argument validation: failed to parse as IP
 *   address: `"bad"`") and, in strict mode, constructor calls with non-literal arguments.
 * - Request and entity JSON (`{"__extn": {"fn": "ip", "arg": "bad"}}`) are evaluated when the
 *   request/entities are loaded: a bad value fails the whole call, not one policy. There the
 *   type name is not accepted (`"fn": "ipaddr"` → "extension function `ipaddr` does not
 *   exist"), any registry function is (`{"fn": "isIpv4", "arg": {"__extn": …}}` is a bool),
 *   and `"args": [...]` is accepted for several arguments (`offset`).
 *
 * OPERATORS: only datetime and duration support `<`, `<=`, `>`, `>=` (with a value of the same
 * type); decimal and ipaddr are type errors there, as are `+`/`-` on any extension value.
 * {@link orderingTypeError} produces Cedar's exact message for a rejected pair.
 */
import { EvaluationError, typeError } from '../values/errors.js';
import { type ExtensionValue, typeOfValue, type Value } from '../values/value.js';
import { Datetime } from './datetime.js';
import { Decimal } from './decimal.js';
import { Duration } from './duration.js';
import { IpAddr } from './ipaddr.js';

export { Datetime } from './datetime.js';
export { Decimal } from './decimal.js';
export { Duration } from './duration.js';
export { IpAddr } from './ipaddr.js';

export interface ExtensionFunction {
  readonly name: string;
  /** Number of arguments, receiver included for methods. */
  readonly arity: number;
  /** Whether Cedar text calls it as `receiver.name(…)` (true) or `name(…)` (false). */
  readonly isMethod: boolean;
  /** Applies the function; throws EvaluationError on type errors or invalid input. */
  call(args: readonly Value[]): Value;
}

/** Extension type name (as in schemas and error messages) → its constructor's name. */
export const EXTENSION_CONSTRUCTORS: ReadonlyMap<string, string> = new Map([
  ['ipaddr', 'ip'],
  ['decimal', 'decimal'],
  ['datetime', 'datetime'],
  ['duration', 'duration'],
]);

type Ctor<T> = abstract new (...args: never[]) => T;

/** Cedar's message for a wrong argument: `type error: expected ipaddr, got string`. */
function expect<T extends Value>(v: Value, ctor: Ctor<T>, typeName: string): T {
  if (v instanceof ctor) return v;
  throw typeError(`type error: expected ${typeName}, got ${typeOfValue(v)}`);
}

function expectString(v: Value): string {
  if (typeof v === 'string') return v;
  throw typeError(`type error: expected string, got ${typeOfValue(v)}`);
}

/**
 * Builds a registry entry that checks arity first (Cedar does, before argument types), then
 * hands the arguments over. Arity errors use kind `type`: they are static shape errors a
 * validator would catch, and the policy is skipped exactly as for a type error.
 */
function define(
  name: string,
  arity: number,
  isMethod: boolean,
  impl: (args: readonly Value[]) => Value,
): ExtensionFunction {
  return {
    name,
    arity,
    isMethod,
    call(args) {
      if (args.length !== arity) {
        throw typeError(
          `wrong number of arguments provided to extension function \`${name}\`: expected ${arity}, got ${args.length}`,
        );
      }
      return impl(args);
    },
  };
}

const a0 = (args: readonly Value[]): Value => args[0] as Value;
const a1 = (args: readonly Value[]): Value => args[1] as Value;

const ip = (v: Value): IpAddr => expect(v, IpAddr, 'ipaddr');
const dec = (v: Value): Decimal => expect(v, Decimal, 'decimal');
const dt = (v: Value): Datetime => expect(v, Datetime, 'datetime');
const dur = (v: Value): Duration => expect(v, Duration, 'duration');

const FUNCTIONS: readonly ExtensionFunction[] = [
  // ipaddr
  define('ip', 1, false, (a) => IpAddr.parse(expectString(a0(a)))),
  define('isIpv4', 1, true, (a) => ip(a0(a)).isIpv4()),
  define('isIpv6', 1, true, (a) => ip(a0(a)).isIpv6()),
  define('isLoopback', 1, true, (a) => ip(a0(a)).isLoopback()),
  define('isMulticast', 1, true, (a) => ip(a0(a)).isMulticast()),
  define('isInRange', 2, true, (a) => ip(a0(a)).isInRange(ip(a1(a)))),
  // decimal
  define('decimal', 1, false, (a) => Decimal.parse(expectString(a0(a)))),
  define('lessThan', 2, true, (a) => dec(a0(a)).lessThan(dec(a1(a)))),
  define('lessThanOrEqual', 2, true, (a) => dec(a0(a)).lessThanOrEqual(dec(a1(a)))),
  define('greaterThan', 2, true, (a) => dec(a0(a)).greaterThan(dec(a1(a)))),
  define('greaterThanOrEqual', 2, true, (a) => dec(a0(a)).greaterThanOrEqual(dec(a1(a)))),
  // datetime
  define('datetime', 1, false, (a) => Datetime.parse(expectString(a0(a)))),
  define('offset', 2, true, (a) => dt(a0(a)).offset(dur(a1(a)))),
  define('durationSince', 2, true, (a) => dt(a0(a)).durationSince(dt(a1(a)))),
  define('toDate', 1, true, (a) => dt(a0(a)).toDate()),
  define('toTime', 1, true, (a) => dt(a0(a)).toTime()),
  // duration
  define('duration', 1, false, (a) => Duration.parse(expectString(a0(a)))),
  define('toDays', 1, true, (a) => dur(a0(a)).toDays()),
  define('toHours', 1, true, (a) => dur(a0(a)).toHours()),
  define('toMinutes', 1, true, (a) => dur(a0(a)).toMinutes()),
  define('toSeconds', 1, true, (a) => dur(a0(a)).toSeconds()),
  define('toMilliseconds', 1, true, (a) => dur(a0(a)).toMilliseconds()),
];

export const EXTENSION_FUNCTIONS: ReadonlyMap<string, ExtensionFunction> = new Map(FUNCTIONS.map((f) => [f.name, f]));

const CONSTRUCTORS: ReadonlyMap<string, (arg: string) => ExtensionValue> = new Map<
  string,
  (arg: string) => ExtensionValue
>([
  ['ip', IpAddr.parse],
  ['decimal', Decimal.parse],
  ['datetime', Datetime.parse],
  ['duration', Duration.parse],
]);

export function constructExtensionValue(fn: string, arg: string): ExtensionValue {
  const construct = CONSTRUCTORS.get(fn);
  if (construct === undefined) {
    const known = EXTENSION_FUNCTIONS.has(fn);
    throw new EvaluationError(
      'extension',
      known ? `extension function \`${fn}\` is not a constructor` : `extension function \`${fn}\` does not exist`,
    );
  }
  return construct(arg);
}

/** Negative, zero or positive like `a - b`; undefined unless both are datetimes or both durations. */
export function compareExtension(a: Value, b: Value): number | undefined {
  if (a instanceof Datetime) return b instanceof Datetime ? a.compare(b) : undefined;
  if (a instanceof Duration) return b instanceof Duration ? a.compare(b) : undefined;
  return undefined;
}

const isOrdered = (v: Value): v is Datetime | Duration => v instanceof Datetime || v instanceof Duration;

/**
 * Cedar's type error for `a < b` (and `<=`, `>`, `>=`, which report the same) when the pair
 * is not two Longs, two datetimes or two durations. Established by experiment:
 * a Long on either side → `expected long, got <other side>`; else a datetime/duration on the
 * left → `expected <left>, got <right>`; else on the right → `expected <right>, got <left>`;
 * else `expected one of [long, datetime, duration], got <left>`.
 */
export function orderingTypeError(a: Value, b: Value): EvaluationError {
  if (typeof a === 'bigint') return typeError(`type error: expected long, got ${typeOfValue(b)}`);
  if (typeof b === 'bigint') return typeError(`type error: expected long, got ${typeOfValue(a)}`);
  if (isOrdered(a)) return typeError(`type error: expected ${a.extension}, got ${typeOfValue(b)}`);
  if (isOrdered(b)) return typeError(`type error: expected ${b.extension}, got ${typeOfValue(a)}`);
  return typeError(`type error: expected one of [long, datetime, duration], got ${typeOfValue(a)}`);
}
