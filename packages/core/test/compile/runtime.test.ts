/**
 * @module test/compile/runtime
 * Cedar's operator semantics as the compiled closures call them: checked 64-bit arithmetic
 * at both boundaries, type errors, `in` (reflexive, transitive, sets that must hold only
 * entities), attribute and tag access on present and missing entities — unit by unit, then
 * as whole expressions judged by cedar-wasm (outcomes, then error messages).
 */
import { describe, expect, it } from 'vitest';
import type { EvalEnv } from '../../src/compile/env.js';
import * as rt from '../../src/compile/runtime.js';
import { EntityStore } from '../../src/entities/store.js';
import { constructExtensionValue } from '../../src/extensions/index.js';
import { EvaluationError, type EvaluationErrorKind } from '../../src/values/errors.js';
import { CedarRecord, CedarSet, EntityUID, I64_MAX, I64_MIN, type Value } from '../../src/values/value.js';
import { cedarOutcomes, mandateOutcomes } from './cedar-oracle.js';

const u = (type: string, id: string) => new EntityUID(type, id);
const alice = u('User', 'alice');
const g = u('Group', 'g');
const all = u('Group', 'all');
const ghost = u('User', 'ghost');

const store = EntityStore.from([
  {
    uid: alice,
    attrs: new Map<string, Value>([
      ['age', 5n],
      ['__proto__', 'proto-attr'],
    ]),
    parents: [g],
    tags: new Map<string, Value>([['t', 'v']]),
  },
  { uid: g, attrs: new Map(), parents: [all] },
  { uid: all, attrs: new Map(), parents: [] },
]);

const env: EvalEnv = {
  principal: alice,
  action: u('Action', 'a'),
  resource: u('R', 'r'),
  context: CedarRecord.EMPTY,
  entities: store,
};

/** The EvaluationError `f` throws (fails when it returns, or throws something else). */
function evalError(f: () => unknown): EvaluationError {
  try {
    f();
  } catch (e) {
    if (e instanceof EvaluationError) return e;
    throw new Error(`expected an EvaluationError, got ${String(e)}`);
  }
  throw new Error('expected an EvaluationError, got a value');
}

const kind = (f: () => unknown): EvaluationErrorKind => evalError(f).kind;

describe('checked arithmetic', () => {
  it('adds up to the boundaries and overflows beyond them', () => {
    expect(rt.add(I64_MAX - 1n, 1n)).toBe(I64_MAX);
    expect(rt.add(I64_MIN + 1n, -1n)).toBe(I64_MIN);
    expect(rt.add(I64_MAX, I64_MIN)).toBe(-1n);
    const e = evalError(() => rt.add(I64_MAX, 1n));
    expect(e.kind).toBe('overflow');
    expect(e.message).toBe('integer overflow while attempting to add the values `9223372036854775807` and `1`');
    expect(kind(() => rt.add(I64_MIN, -1n))).toBe('overflow');
  });

  it('subtracts up to the boundaries and overflows beyond them', () => {
    expect(rt.sub(I64_MIN + 1n, 1n)).toBe(I64_MIN);
    expect(rt.sub(I64_MAX - 1n, -1n)).toBe(I64_MAX);
    expect(rt.sub(-1n, I64_MAX)).toBe(I64_MIN);
    expect(evalError(() => rt.sub(I64_MIN, 1n)).message).toBe(
      'integer overflow while attempting to subtract the values `-9223372036854775808` and `1`',
    );
    expect(kind(() => rt.sub(0n, I64_MIN))).toBe('overflow');
    expect(kind(() => rt.sub(I64_MAX, -1n))).toBe('overflow');
  });

  it('multiplies up to the boundaries and overflows beyond them', () => {
    expect(rt.mul(2n ** 62n, -2n)).toBe(I64_MIN);
    expect(rt.mul(I64_MIN, 1n)).toBe(I64_MIN);
    expect(rt.mul(I64_MAX, -1n)).toBe(-I64_MAX);
    expect(rt.mul(0n, I64_MIN)).toBe(0n);
    expect(evalError(() => rt.mul(I64_MIN, -1n)).message).toBe(
      'integer overflow while attempting to multiply the values `-9223372036854775808` and `-1`',
    );
    expect(kind(() => rt.mul(2n ** 62n, 2n))).toBe('overflow');
    expect(kind(() => rt.mul(3037000500n, 3037000500n))).toBe('overflow');
  });

  it('negates everything but the minimum', () => {
    expect(rt.neg(I64_MAX)).toBe(-I64_MAX);
    expect(rt.neg(I64_MIN + 1n)).toBe(I64_MAX);
    expect(rt.neg(0n)).toBe(0n);
    expect(kind(() => rt.neg(I64_MIN))).toBe('overflow');
  });

  it('refuses non-Longs with type errors', () => {
    expect(evalError(() => rt.add('1', 1n)).message).toBe('type error: expected long, got string');
    expect(evalError(() => rt.sub(1n, true)).message).toBe('type error: expected long, got bool');
    expect(kind(() => rt.mul(CedarSet.EMPTY, 1n))).toBe('type');
    expect(kind(() => rt.neg(alice))).toBe('type');
  });
});

describe('coercions and comparison', () => {
  it('never converts: no truthiness, no string-to-number', () => {
    expect(rt.asBool(true)).toBe(true);
    expect(kind(() => rt.asBool(1n))).toBe('type');
    expect(kind(() => rt.asBool('true'))).toBe('type');
    expect(kind(() => rt.asLong('1'))).toBe('type');
    expect(kind(() => rt.asString(1n))).toBe('type');
    expect(kind(() => rt.asEntity('User::"alice"'))).toBe('type');
    expect(kind(() => rt.asSet(CedarRecord.EMPTY))).toBe('type');
  });

  it('orders Longs, datetimes and durations', () => {
    expect(rt.compare(1n, 2n)).toBeLessThan(0);
    expect(rt.compare(I64_MAX, I64_MIN)).toBeGreaterThan(0);
    expect(rt.compare(5n, 5n)).toBe(0);
    const d1 = constructExtensionValue('datetime', '2024-01-01');
    const d2 = constructExtensionValue('datetime', '2024-01-02');
    expect(rt.compare(d1, d2)).toBeLessThan(0);
    expect(
      rt.compare(constructExtensionValue('duration', '2h'), constructExtensionValue('duration', '1h')),
    ).toBeGreaterThan(0);
  });

  it('refuses to order anything else', () => {
    expect(kind(() => rt.compare('a', 'b'))).toBe('type');
    expect(kind(() => rt.compare(1n, true))).toBe('type');
    expect(
      kind(() => rt.compare(constructExtensionValue('decimal', '1.0'), constructExtensionValue('decimal', '2.0'))),
    ).toBe('type');
    expect(
      kind(() =>
        rt.compare(constructExtensionValue('datetime', '2024-01-01'), constructExtensionValue('duration', '1h')),
      ),
    ).toBe('type');
  });
});

describe('in', () => {
  it('is reflexive and transitive', () => {
    expect(rt.isIn(env, alice, alice)).toBe(true);
    expect(rt.isIn(env, alice, g)).toBe(true);
    expect(rt.isIn(env, alice, all)).toBe(true);
    expect(rt.isIn(env, g, alice)).toBe(false);
  });

  it('is false for a missing entity except reflexively', () => {
    expect(rt.isIn(env, ghost, g)).toBe(false);
    expect(rt.isIn(env, ghost, ghost)).toBe(true);
    expect(rt.isIn(env, ghost, u('User', 'ghost'))).toBe(true);
  });

  it('tests membership in any entity of a set', () => {
    expect(rt.isIn(env, alice, CedarSet.of([u('Group', 'x'), all]))).toBe(true);
    expect(rt.isIn(env, alice, CedarSet.of([u('Group', 'x')]))).toBe(false);
    expect(rt.isIn(env, alice, CedarSet.EMPTY)).toBe(false);
  });

  it('is a type error when the set holds a non-entity, even after a match', () => {
    expect(kind(() => rt.isIn(env, alice, CedarSet.of([g, 1n])))).toBe('type');
    expect(kind(() => rt.isIn(env, alice, CedarSet.of([1n, g])))).toBe('type');
    expect(kind(() => rt.isIn(env, alice, CedarSet.of(['Group::"g"'])))).toBe('type');
  });

  it('is a type error for a non-entity on the left or a non-entity, non-set on the right', () => {
    expect(kind(() => rt.isIn(env, 'alice', g))).toBe('type');
    expect(kind(() => rt.isIn(env, alice, 'Group::"g"'))).toBe('type');
    expect(kind(() => rt.isIn(env, alice, CedarRecord.EMPTY))).toBe('type');
  });
});

describe('sets', () => {
  const s = CedarSet.of([1n, 'a', alice, CedarRecord.fromEntries([['k', 1n]])]);

  it('contains by Cedar equality', () => {
    expect(rt.contains(s, 1n)).toBe(true);
    expect(rt.contains(s, '1')).toBe(false);
    expect(rt.contains(s, u('User', 'alice'))).toBe(true);
    expect(rt.contains(s, CedarRecord.fromEntries([['k', 1n]]))).toBe(true);
    expect(rt.contains(s, CedarRecord.fromEntries([['k', 2n]]))).toBe(false);
  });

  it('containsAll and containsAny, with empty sets', () => {
    expect(rt.containsAll(s, CedarSet.of([1n, 'a']))).toBe(true);
    expect(rt.containsAll(s, CedarSet.of([1n, 'b']))).toBe(false);
    expect(rt.containsAll(s, CedarSet.EMPTY)).toBe(true);
    expect(rt.containsAny(s, CedarSet.of(['b', alice]))).toBe(true);
    expect(rt.containsAny(s, CedarSet.of(['b']))).toBe(false);
    expect(rt.containsAny(s, CedarSet.EMPTY)).toBe(false);
  });

  it('are type errors on non-sets', () => {
    expect(kind(() => rt.contains('abc', 'a'))).toBe('type');
    expect(kind(() => rt.containsAll(s, 'a'))).toBe('type');
    expect(kind(() => rt.containsAny(1n, s))).toBe('type');
  });
});

describe('attributes', () => {
  const rec = CedarRecord.fromEntries([
    ['a', 1n],
    ['__proto__', 2n],
  ]);

  it('reads record and entity attributes, prototype names included', () => {
    expect(rt.getAttr(env, rec, 'a')).toBe(1n);
    expect(rt.getAttr(env, rec, '__proto__')).toBe(2n);
    expect(rt.getAttr(env, alice, 'age')).toBe(5n);
    expect(rt.getAttr(env, alice, '__proto__')).toBe('proto-attr');
  });

  it('errors on a missing attribute, naming it', () => {
    const r = evalError(() => rt.getAttr(env, rec, 'constructor'));
    expect(r.kind).toBe('missing-attribute');
    expect(r.message).toBe('record does not have the attribute `constructor`');
    const e = evalError(() => rt.getAttr(env, alice, 'toString'));
    expect(e.kind).toBe('missing-attribute');
    expect(e.message).toBe('`User::"alice"` does not have the attribute `toString`');
  });

  it('errors on an entity that does not exist', () => {
    const e = evalError(() => rt.getAttr(env, ghost, 'age'));
    expect(e.kind).toBe('entity-does-not-exist');
    expect(e.message).toBe('entity `User::"ghost"` does not exist');
  });

  it('`has` is false for a missing entity or attribute, not an error', () => {
    expect(rt.hasAttr(env, ghost, 'age')).toBe(false);
    expect(rt.hasAttr(env, alice, 'age')).toBe(true);
    expect(rt.hasAttr(env, alice, 'constructor')).toBe(false);
    expect(rt.hasAttr(env, rec, '__proto__')).toBe(true);
    expect(rt.hasAttr(env, CedarRecord.EMPTY, 'hasOwnProperty')).toBe(false);
  });

  it('is a type error on other values', () => {
    expect(kind(() => rt.getAttr(env, 'abc', 'length'))).toBe('type');
    expect(kind(() => rt.hasAttr(env, 1n, 'a'))).toBe('type');
    expect(kind(() => rt.hasAttr(env, CedarSet.EMPTY, 'a'))).toBe('type');
  });
});

describe('tags', () => {
  it('reads and tests tags', () => {
    expect(rt.getTag(env, alice, 't')).toBe('v');
    expect(rt.hasTag(env, alice, 't')).toBe(true);
    expect(rt.hasTag(env, alice, 'u')).toBe(false);
    expect(rt.hasTag(env, g, 't')).toBe(false);
  });

  it('errors on a missing tag or entity, and `hasTag` does not', () => {
    expect(evalError(() => rt.getTag(env, alice, 'u'))).toEqual(
      new EvaluationError('missing-tag', '`User::"alice"` does not have the tag `u`'),
    );
    expect(kind(() => rt.getTag(env, ghost, 't'))).toBe('entity-does-not-exist');
    expect(rt.hasTag(env, ghost, 't')).toBe(false);
  });

  it('is a type error for a non-entity or a non-string tag', () => {
    expect(kind(() => rt.getTag(env, 'alice', 't'))).toBe('type');
    expect(kind(() => rt.getTag(env, alice, 1n))).toBe('type');
    expect(kind(() => rt.hasTag(env, alice, 1n))).toBe('type');
    expect(kind(() => rt.hasTag(env, CedarRecord.EMPTY, 't'))).toBe('type');
  });
});

/** Expressions whose outcome (true, false or error) must be Cedar's. */
const SEMANTICS = [
  '9223372036854775806 + 1 == 9223372036854775807',
  '9223372036854775807 + 1 == 0',
  '-9223372036854775807 - 1 == -9223372036854775808',
  '-9223372036854775808 - 1 == 0',
  '0 - -9223372036854775808 == 0',
  '4611686018427387904 * -2 == -9223372036854775808',
  '4611686018427387904 * 2 == 0',
  '-9223372036854775808 * -1 == 0',
  '-(-9223372036854775807) == 9223372036854775807',
  '-(-9223372036854775808) == 0',
  '1 + "a" == 1',
  '"a" < "b"',
  '1 < true',
  'decimal("1.0") < decimal("2.0")',
  'datetime("2024-01-01") < datetime("2024-01-02")',
  'duration("1h") < 5',
  'principal in [Group::"g", 1]',
  'principal in [1, Group::"g"]',
  'principal in [User::"alice", 1]',
  'principal in 1',
  '1 in Group::"g"',
  'principal in Group::"all"',
  'User::"nobody" in User::"nobody"',
  'User::"nobody" in Group::"g"',
  'User::"nobody".age == 1',
  'User::"nobody" has age',
  'principal.missing == 1',
  'context.missing == 1',
  'context has missing',
  'principal.hasTag("t")',
  'principal.getTag("t") == "v"',
  'principal.getTag("u") == "v"',
  'User::"nobody".getTag("t") == "v"',
  'User::"nobody".hasTag("t")',
  'principal.hasTag(1)',
  'resource.hasTag("t")',
  '1 is User',
  'principal has age.x',
  'false && 1',
  'true && 1',
  'true || 1',
  'false || 1',
  'if 1 then true else false',
  '!1',
  '1.contains(1)',
  '[1, "1"].containsAll(["1"])',
  '[].containsAny([])',
  '1 like "*"',
  '1.isEmpty()',
  '{"__proto__": 1} has "__proto__"',
  '{"__proto__": 1}["__proto__"] == 1',
  '{"a": 1} has constructor',
  '[1, 1] == [1]',
  '{a: 1, b: 2} == {b: 2, a: 1}',
  'User::"alice" == "alice"',
  '1 == "1"',
];

describe('whole expressions agree with cedar-wasm', () => {
  it('on outcomes (true, false or error)', () => {
    const cedarSide = cedarOutcomes(SEMANTICS).map((o) => o.result);
    const mandateSide = mandateOutcomes(SEMANTICS).map((o) => o.result);
    const diffs = SEMANTICS.filter((_, i) => cedarSide[i] !== mandateSide[i]);
    expect(diffs).toEqual([]);
  });
});

describe('error messages are Cedar’s', () => {
  const erroring = SEMANTICS.filter((_, i) => cedarOutcomes(SEMANTICS)[i]?.result === 'error');
  const cedarMessages = new Map(
    cedarOutcomes(erroring).map((o, i) => [erroring[i] as string, o.result === 'error' ? o.message : '']),
  );
  const mandateMessages = new Map(
    mandateOutcomes(erroring).map((o, i) => [erroring[i] as string, o.result === 'error' ? o.message : '(no error)']),
  );

  it.each(erroring)('%s', (expr) => {
    expect(mandateMessages.get(expr)).toBe(cedarMessages.get(expr));
  });
});
