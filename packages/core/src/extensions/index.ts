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
 */
import { EvaluationError } from '../values/errors.js';
import type { ExtensionValue, Value } from '../values/value.js';

export interface ExtensionFunction {
  readonly name: string;
  /** Number of arguments, receiver included for methods. */
  readonly arity: number;
  /** Applies the function; throws EvaluationError on type errors or invalid input. */
  call(args: readonly Value[]): Value;
}

export const EXTENSION_FUNCTIONS: ReadonlyMap<string, ExtensionFunction> = new Map();

export function constructExtensionValue(fn: string, _arg: string): ExtensionValue {
  throw new EvaluationError('extension', `extension constructor \`${fn}\` is not implemented yet`);
}

export function compareExtension(_a: Value, _b: Value): number | undefined {
  return undefined;
}
