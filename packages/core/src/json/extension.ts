/**
 * @module json/extension
 * Extension values in Cedar JSON: `{"__extn": {"fn": "ip", "arg": "10.0.0.1"}}`, the
 * several-argument form `{"fn": "offset", "args": [a, b]}`, and (where the schema expects an
 * extension type) the bare `{"fn", "arg"}` object or a plain string given to the type's
 * constructor.
 *
 * Cedar evaluates the call when the data is loaded, through the same function registry as
 * policies: any registry function is accepted (`{"fn": "isIpv4", "arg": {"__extn": …}}` is
 * the boolean it returns), the type name is not (`"fn": "ipaddr"` does not exist), and a
 * failure rejects the whole input. Arguments are themselves Cedar JSON values.
 */
import { EXTENSION_FUNCTIONS } from '../extensions/index.js';
import { EvaluationError } from '../values/errors.js';
import type { Value } from '../values/value.js';
import type { Path } from './errors.js';
import { isPlainObject, own, rawCheck } from './raw.js';
import { fail, type Site } from './site.js';

/** A recognised call: the function, its JSON arguments, and which key held them. */
export interface FnAndArgs {
  readonly fn: string;
  readonly args: readonly unknown[];
  readonly key: 'arg' | 'args';
}

/**
 * Read `{fn, arg}` or `{fn, args: [...]}` (other keys ignored; `arg` wins when both are
 * present). `argUsable` decides whether a candidate argument can be read at all: Cedar tries
 * the one-argument form first and falls back to `args` only when `arg` is absent or
 * unreadable, so the schema-directed reader passes a raw-JSON check here.
 */
export function readFnAndArgs(x: unknown, argUsable: (v: unknown) => boolean = () => true): FnAndArgs | undefined {
  if (!isPlainObject(x)) return undefined;
  const fn = own(x, 'fn');
  if (typeof fn !== 'string') return undefined;
  const arg = own(x, 'arg');
  if (arg !== undefined && argUsable(arg)) return { fn, args: [arg], key: 'arg' };
  const args = own(x, 'args');
  if (Array.isArray(args) && args.every(argUsable)) return { fn, args, key: 'args' };
  return undefined;
}

/** Whether `v` is JSON Cedar can read as a value (it may still be a `null` Cedar refuses later). */
export function isReadable(v: unknown, at: Site, depth: number): boolean {
  try {
    rawCheck(v, at, undefined, depth);
    return true;
  } catch {
    return false;
  }
}

/** Apply a registry function to parsed arguments; Cedar's refusal becomes an InputError. */
export function callExtension(fn: string, args: readonly Value[], at: Site, path: Path | undefined): Value {
  const f = EXTENSION_FUNCTIONS.get(fn);
  if (f === undefined) throw fail('extension', at, path, `extension function \`${fn}\` does not exist`);
  try {
    return f.call(args);
  } catch (e) {
    if (e instanceof EvaluationError) throw fail('extension', at, path, e.message);
    throw e;
  }
}

/** Cedar's constructor for each extension type: a fixed part of the language. */
const CONSTRUCTORS: ReadonlyMap<string, string> = new Map([
  ['ipaddr', 'ip'],
  ['decimal', 'decimal'],
  ['datetime', 'datetime'],
  ['duration', 'duration'],
]);

/** The constructor of an extension type (`ipaddr` → `ip`). */
export function constructorOf(extension: string): string {
  return CONSTRUCTORS.get(extension) ?? extension;
}
