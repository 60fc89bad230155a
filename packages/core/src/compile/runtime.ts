/**
 * @module compile/runtime
 * The operations compiled expressions call, with Cedar's exact type rules: no truthiness,
 * no implicit conversions, checked 64-bit arithmetic, errors for missing entities and
 * attributes. Each throws an {@link EvaluationError} where Cedar's evaluator errors.
 */
import { compareExtension, orderingTypeError } from '../extensions/index.js';
import { EvaluationError, typeError } from '../values/errors.js';
import {
  CedarRecord,
  CedarSet,
  EntityUID,
  ExtensionValue,
  I64_MAX,
  I64_MIN,
  typeOfValue,
  type Value,
  valueEquals,
  valueToCedar,
} from '../values/value.js';
import type { EvalEnv } from './env.js';

const expected = (what: string, v: Value): EvaluationError =>
  typeError(`type error: expected ${what}, got ${typeOfValue(v)}`);

export function asBool(v: Value): boolean {
  if (typeof v !== 'boolean') throw expected('bool', v);
  return v;
}

export function asLong(v: Value): bigint {
  if (typeof v !== 'bigint') throw expected('long', v);
  return v;
}

export function asString(v: Value): string {
  if (typeof v !== 'string') throw expected('string', v);
  return v;
}

const ANY_ENTITY = '(entity of type `any_entity_type`)';

export function asEntity(v: Value): EntityUID {
  if (!(v instanceof EntityUID)) throw expected(ANY_ENTITY, v);
  return v;
}

export function asSet(v: Value): CedarSet {
  if (!(v instanceof CedarSet)) throw expected('set', v);
  return v;
}

function checked(op: string, a: bigint, b: bigint, r: bigint): bigint {
  if (r < I64_MIN || r > I64_MAX) {
    throw new EvaluationError(
      'overflow',
      `integer overflow while attempting to ${op} the values \`${a}\` and \`${b}\``,
    );
  }
  return r;
}

export const add = (a: Value, b: Value): bigint => {
  const x = asLong(a);
  const y = asLong(b);
  return checked('add', x, y, x + y);
};
export const sub = (a: Value, b: Value): bigint => {
  const x = asLong(a);
  const y = asLong(b);
  return checked('subtract', x, y, x - y);
};
export const mul = (a: Value, b: Value): bigint => {
  const x = asLong(a);
  const y = asLong(b);
  return checked('multiply', x, y, x * y);
};
export const neg = (a: Value): bigint => {
  const x = asLong(a);
  if (x === I64_MIN)
    throw new EvaluationError('overflow', `integer overflow while attempting to negate the value \`${x}\``);
  return -x;
};

/**
 * Ordering for `<`, `<=`, `>`, `>=`: Longs, and the extension types Cedar lets these
 * operators compare (both operands of the same type).
 */
export function compare(a: Value, b: Value): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof ExtensionValue && b instanceof ExtensionValue) {
    const c = compareExtension(a, b);
    if (c !== undefined) return c;
  }
  throw orderingTypeError(a, b);
}

/** Cedar's `in`: entity in entity (reflexive, transitive) or entity in a set of entities. */
export function isIn(env: EvalEnv, a: Value, b: Value): boolean {
  const lhs = asEntity(a);
  if (b instanceof EntityUID) return env.entities.isIn(lhs, b);
  if (b instanceof CedarSet) {
    // Every element must be an entity, even after a match (Cedar type-checks the whole set).
    let found = false;
    for (const x of b.items) {
      if (!(x instanceof EntityUID)) throw expected(ANY_ENTITY, x);
      if (!found && env.entities.isIn(lhs, x)) found = true;
    }
    return found;
  }
  throw typeError(`type error: expected one of [set, ${ANY_ENTITY}], got ${typeOfValue(b)}`);
}

export function contains(a: Value, b: Value): boolean {
  return asSet(a).has(b);
}

export function containsAll(a: Value, b: Value): boolean {
  const x = asSet(a);
  const y = asSet(b);
  for (const v of y.items) if (!x.has(v)) return false;
  return true;
}

export function containsAny(a: Value, b: Value): boolean {
  const x = asSet(a);
  const y = asSet(b);
  for (const v of y.items) if (x.has(v)) return true;
  return false;
}

/** `e.attr` on a record or an entity. */
export function getAttr(env: EvalEnv, v: Value, attr: string): Value {
  if (v instanceof CedarRecord) {
    const x = v.get(attr);
    if (x === undefined) {
      throw new EvaluationError('missing-attribute', `record does not have the attribute \`${attr}\``);
    }
    return x;
  }
  if (v instanceof EntityUID) {
    const e = env.entities.get(v.key);
    if (e === undefined) throw new EvaluationError('entity-does-not-exist', `entity \`${v.key}\` does not exist`);
    const x = e.attrs.map.get(attr);
    if (x === undefined) {
      throw new EvaluationError('missing-attribute', `\`${v.key}\` does not have the attribute \`${attr}\``);
    }
    return x;
  }
  throw typeError(`type error: expected one of [record, ${ANY_ENTITY}], got ${typeOfValue(v)}`);
}

/** `e has attr`: false (not an error) for an entity that does not exist. */
export function hasAttr(env: EvalEnv, v: Value, attr: string): boolean {
  if (v instanceof CedarRecord) return v.has(attr);
  if (v instanceof EntityUID) {
    const e = env.entities.get(v.key);
    return e !== undefined && e.attrs.map.has(attr);
  }
  throw typeError(`type error: expected one of [record, ${ANY_ENTITY}], got ${typeOfValue(v)}`);
}

export function getTag(env: EvalEnv, v: Value, tag: Value): Value {
  const uid = asEntity(v);
  const key = asString(tag);
  const e = env.entities.get(uid.key);
  if (e === undefined) throw new EvaluationError('entity-does-not-exist', `entity \`${uid.key}\` does not exist`);
  const x = e.tags.get(key);
  if (x === undefined) throw new EvaluationError('missing-tag', `\`${uid.key}\` does not have the tag \`${key}\``);
  return x;
}

export function hasTag(env: EvalEnv, v: Value, tag: Value): boolean {
  const uid = asEntity(v);
  const key = asString(tag);
  const e = env.entities.get(uid.key);
  return e !== undefined && e.tags.has(key);
}

export { valueEquals, valueToCedar };
