/**
 * @module test/compile/expression
 * IR → closures: constant folding (done once, and an erroring constant errors only when
 * reached), short-circuiting, the specialised `==`/`in`/`context.x` closures, extension calls
 * (including a wrong argument count), and a broad set of expressions judged by cedar-wasm.
 */
import { describe, expect, it } from 'vitest';
import type { EvalEnv } from '../../src/compile/env.js';
import { compileExpression } from '../../src/compile/expression.js';
import type { Node } from '../../src/ir/nodes.js';
import { EvaluationError } from '../../src/values/errors.js';
import { CedarRecord, CedarSet, EntityUID, ExtensionValue, type Value } from '../../src/values/value.js';
import { cedarOutcomes, envOf, mandateOutcomes } from './cedar-oracle.js';

const env: EvalEnv = envOf();
const lit = (v: Value): Node => ({ k: 'lit', v });
const ctx = (attr: string): Node => ({ k: 'get', a: { k: 'var', name: 'context' }, attr });
const principal: Node = { k: 'var', name: 'principal' };
const badIp: Node = { k: 'ext', fn: 'ip', args: [lit('not an ip')] };

function evalError(f: () => unknown): EvaluationError {
  try {
    f();
  } catch (e) {
    if (e instanceof EvaluationError) return e;
    throw new Error(`expected an EvaluationError, got ${String(e)}`);
  }
  throw new Error('expected an EvaluationError, got a value');
}

/** An environment whose every field throws when read: proves a closure never looks at it. */
const untouchable = new Proxy({} as EvalEnv, {
  get(_, key) {
    throw new Error(`environment read: ${String(key)}`);
  },
});

describe('constant folding', () => {
  it('folds literal sets, records and extension constructors to one value', () => {
    const set = compileExpression({ k: 'set', items: [lit(1n), lit(2n), lit(1n)] });
    const first = set(untouchable);
    expect(first).toBeInstanceOf(CedarSet);
    expect((first as CedarSet).size).toBe(2);
    expect(set(untouchable)).toBe(first);

    const rec = compileExpression({ k: 'record', entries: [['a', { k: 'set', items: [lit('x')] }]] });
    expect(rec(untouchable)).toBe(rec(untouchable));

    const ip = compileExpression({ k: 'ext', fn: 'ip', args: [lit('10.0.0.1')] });
    expect(ip(untouchable)).toBeInstanceOf(ExtensionValue);
    expect(ip(untouchable)).toBe(ip(untouchable));
  });

  it('folds a negated literal', () => {
    expect(compileExpression({ k: 'neg', a: lit(5n) })(untouchable)).toBe(-5n);
  });

  it('does not fold what depends on the request', () => {
    const set = compileExpression({ k: 'set', items: [ctx('n')] });
    const a = set(env) as CedarSet;
    expect(a.has(1n)).toBe(true);
    expect(set(env)).not.toBe(a);
  });

  it('raises an erroring constant only when it is reached, every time', () => {
    const guarded = compileExpression({ k: 'and', a: lit(false), b: { k: 'ext', fn: 'isLoopback', args: [badIp] } });
    expect(guarded(env)).toBe(false);
    const reached = compileExpression({ k: 'and', a: lit(true), b: { k: 'ext', fn: 'isLoopback', args: [badIp] } });
    const e1 = evalError(() => reached(env));
    const e2 = evalError(() => reached(env));
    expect(e1.kind).toBe('extension');
    expect(e2.message).toBe(e1.message);
  });

  it('keeps the overflow of a folded negation lazy', () => {
    const f = compileExpression({ k: 'neg', a: lit(-(2n ** 63n)) });
    expect(evalError(() => f(env)).kind).toBe('overflow');
    const guarded = compileExpression({
      k: 'if',
      c: lit(false),
      t: { k: 'bin', op: '==', a: { k: 'neg', a: lit(-(2n ** 63n)) }, b: lit(0n) },
      e: lit(true),
    });
    expect(guarded(env)).toBe(true);
  });
});

describe('boolean operators', () => {
  const boom: Node = { k: 'get', a: principal, attr: 'nope' };

  it('short-circuit && and || without evaluating the right side', () => {
    expect(compileExpression({ k: 'and', a: lit(false), b: boom })(env)).toBe(false);
    expect(compileExpression({ k: 'or', a: lit(true), b: boom })(env)).toBe(true);
    expect(evalError(() => compileExpression({ k: 'and', a: lit(true), b: boom })(env)).kind).toBe('missing-attribute');
  });

  it('type-check both operands when evaluated', () => {
    expect(evalError(() => compileExpression({ k: 'and', a: lit(1n), b: lit(true) })(env)).kind).toBe('type');
    expect(evalError(() => compileExpression({ k: 'or', a: lit(false), b: lit('x') })(env)).kind).toBe('type');
    expect(evalError(() => compileExpression({ k: 'not', a: lit(0n) })(env)).kind).toBe('type');
  });

  it('evaluates only the taken branch of if-then-else', () => {
    expect(compileExpression({ k: 'if', c: lit(true), t: lit(1n), e: boom })(env)).toBe(1n);
    expect(compileExpression({ k: 'if', c: lit(false), t: boom, e: lit('e') })(env)).toBe('e');
    expect(evalError(() => compileExpression({ k: 'if', c: lit('yes'), t: lit(1n), e: lit(2n) })(env)).kind).toBe(
      'type',
    );
  });
});

describe('specialised closures', () => {
  it('compare with a primitive literal on either side, across types', () => {
    const cases: [Node, boolean][] = [
      [{ k: 'bin', op: '==', a: ctx('n'), b: lit(1n) }, true],
      [{ k: 'bin', op: '==', a: lit(1n), b: ctx('n') }, true],
      [{ k: 'bin', op: '==', a: ctx('n'), b: lit('1') }, false],
      [{ k: 'bin', op: '!=', a: ctx('n'), b: lit('1') }, true],
      [{ k: 'bin', op: '!=', a: ctx('n'), b: lit(1n) }, false],
      [{ k: 'bin', op: '==', a: ctx('flag'), b: lit(true) }, true],
      [{ k: 'bin', op: '==', a: ctx('s'), b: lit('x') }, true],
    ];
    for (const [node, want] of cases) expect(compileExpression(node)(env)).toBe(want);
  });

  it('compare with an entity literal on either side, by type and id', () => {
    const eq = (a: Node, b: Node) => compileExpression({ k: 'bin', op: '==', a, b })(env);
    expect(eq(principal, lit(new EntityUID('User', 'alice')))).toBe(true);
    expect(eq(lit(new EntityUID('User', 'alice')), principal)).toBe(true);
    expect(eq(principal, lit(new EntityUID('Admin', 'alice')))).toBe(false);
    expect(eq(ctx('s'), lit(new EntityUID('User', 'x')))).toBe(false);
    expect(compileExpression({ k: 'bin', op: '!=', a: principal, b: lit(new EntityUID('User', 'bob')) })(env)).toBe(
      true,
    );
  });

  it('compare structured values by value', () => {
    const rec = CedarRecord.fromEntries([['a', CedarRecord.fromEntries([['b', 1n]])]]);
    expect(compileExpression({ k: 'bin', op: '==', a: ctx('rec'), b: lit(rec) })(env)).toBe(true);
    expect(compileExpression({ k: 'bin', op: '==', a: ctx('list'), b: lit(CedarSet.of([2n, 1n, 2n])) })(env)).toBe(
      true,
    );
  });

  it('`x in Entity` type-checks the left side', () => {
    const g = lit(new EntityUID('Group', 'all'));
    expect(compileExpression({ k: 'bin', op: 'in', a: principal, b: g })(env)).toBe(true);
    expect(evalError(() => compileExpression({ k: 'bin', op: 'in', a: ctx('s'), b: g })(env)).kind).toBe('type');
  });

  it('`context.x` errors on a missing attribute, naming it', () => {
    expect(compileExpression(ctx('s'))(env)).toBe('x');
    expect(evalError(() => compileExpression(ctx('constructor'))(env))).toEqual(
      new EvaluationError('missing-attribute', 'record does not have the attribute `constructor`'),
    );
  });

  it('an unlinked slot errors instead of matching anything', () => {
    expect(evalError(() => compileExpression({ k: 'slot', name: '?principal' })(env)).kind).toBe('type');
  });
});

describe('extension calls', () => {
  it('call methods on values', () => {
    const node: Node = {
      k: 'ext',
      fn: 'isInRange',
      args: [
        { k: 'ext', fn: 'ip', args: [lit('10.1.2.3')] },
        { k: 'ext', fn: 'ip', args: [lit('10.0.0.0/8')] },
      ],
    };
    expect(compileExpression(node)(env)).toBe(true);
  });

  it('with the wrong number of arguments error when evaluated, after the arguments', () => {
    const wrong = compileExpression({ k: 'ext', fn: 'ip', args: [lit('1.2.3.4'), lit('x')] });
    expect(evalError(() => wrong(env)).kind).toBe('extension');
    const argFirst = compileExpression({ k: 'ext', fn: 'ip', args: [ctx('missing'), lit('x')] });
    expect(evalError(() => argFirst(env)).kind).toBe('missing-attribute');
    const guarded = compileExpression({ k: 'and', a: lit(false), b: { k: 'ext', fn: 'isIpv4', args: [] } });
    expect(guarded(env)).toBe(false);
  });

  it('an unknown function errors when evaluated', () => {
    expect(evalError(() => compileExpression({ k: 'ext', fn: 'nope', args: [] })(env)).kind).toBe('extension');
  });
});

const EXPRESSIONS = [
  'context.n == 1 && context.s == "x"',
  'context == {n: 1, s: "x", flag: true, list: [1, 2], rec: {a: {b: 1}}}',
  'context.list == [2, 1, 1]',
  'context.rec.a.b + 1 == 2',
  'context.rec.a has b',
  'context.rec.a.c',
  'principal.roles.contains("admin")',
  'principal.roles.containsAll(["dev", "admin"])',
  'principal.roles.containsAny(["x"])',
  'principal.profile.team.name like "c*e"',
  'resource.owner == principal',
  'resource.owner.age >= 5',
  'resource.owner in Group::"all"',
  'principal in resource.owner',
  'action in Action::"readOnly"',
  'action in [Action::"x", Action::"readOnly"]',
  'principal.getTag("n") * 2 == 14',
  'if principal has age then principal.age > 3 else false',
  'if context.flag then principal.nope else true',
  '[principal, resource].contains(User::"alice")',
  '{a: principal}.a.name == "Alice"',
  'ip("10.0.0.1").isInRange(ip("10.0.0.0/24"))',
  'ip("10.0.0.1") == ip("10.0.0.1")',
  'ip("nope").isIpv4()',
  'false && ip("nope").isIpv4()',
  'decimal("1.5").lessThan(decimal("2.25"))',
  'decimal("1.23456") == decimal("1.0")',
  'datetime("2024-01-01T00:00:00Z").offset(duration("1d")) == datetime("2024-01-02")',
  '[ip("1.2.3.4")].contains(ip("1.2.3.4"))',
  'ip("1.2.3.4", "x") == ip("1.2.3.4")',
  'ip(context.missing, "x") == ip("1.2.3.4")',
  '!context.flag || context.n > 0',
  '-context.n == -1',
  'context.s like "*"',
  '"" like ""',
  '[] == []',
  '{} == {}',
  '[{}] == [{}]',
  '[1, [2]].contains([2])',
  'principal is User && !(principal is Group)',
];

describe('agrees with cedar-wasm', () => {
  it('on the outcome of each expression', () => {
    const cedarSide = cedarOutcomes(EXPRESSIONS).map((o) => o.result);
    const mandateSide = mandateOutcomes(EXPRESSIONS).map((o) => o.result);
    expect(EXPRESSIONS.filter((_, i) => cedarSide[i] !== mandateSide[i])).toEqual([]);
  });

  it('on the message for a wrong number of extension arguments', () => {
    const exprs = ['ip("1.2.3.4", "x") == ip("1.2.3.4")', 'ip("1.2.3.4").isIpv4(1)'];
    expect(mandateOutcomes(exprs)).toEqual(cedarOutcomes(exprs));
  });
});
