/**
 * @module test/ir/lower
 * EST → IR: scope constraints, the desugarings (nested `has`, `is … in`), `like` patterns
 * with escaped stars, annotations, literals, and the refusals (malformed EST, nesting beyond
 * the limit) — each refusal a PolicyError of kind `unsupported`, never a RangeError.
 * Where a desugaring carries Cedar semantics, the compiled result is compared with cedar-wasm.
 */

import type { PolicyJson } from '@cedar-policy/cedar-wasm/nodejs';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../src/errors.js';
import { lowerPolicy, MAX_EXPRESSION_DEPTH } from '../../src/ir/lower.js';
import type { Node, PolicyIR } from '../../src/ir/nodes.js';
import { CedarRecord, CedarSet, EntityUID, ExtensionValue } from '../../src/values/value.js';
import { cedarOutcomes, mandateOutcomes } from '../compile/cedar-oracle.js';

const P = 'permit(principal, action, resource)';

function est(text: string): PolicyJson {
  const r = text.includes('?') ? cedar.templateToJson(text) : cedar.policyToJson(text);
  if (r.type !== 'success') throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.json;
}

const lower = (text: string): PolicyIR => lowerPolicy('p', est(text), text.includes('?'));
const when = (body: string): Node => lower(`${P} when { ${body} };`).conditions[0]?.body as Node;

/** A hand-written EST around one condition body. */
const withBody = (body: unknown): PolicyJson =>
  ({
    effect: 'permit',
    principal: { op: 'All' },
    action: { op: 'All' },
    resource: { op: 'All' },
    conditions: [{ kind: 'when', body }],
  }) as unknown as PolicyJson;

function refusal(f: () => unknown): PolicyError {
  try {
    f();
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw new Error(`expected a PolicyError, got ${String(e)}`);
  }
  throw new Error('expected a PolicyError');
}

const principal: Node = { k: 'var', name: 'principal' };

describe('scope', () => {
  it('lowers the unconstrained scope', () => {
    const ir = lower(`${P};`);
    expect(ir.scope).toEqual({ principal: { op: 'any' }, action: { op: 'any' }, resource: { op: 'any' } });
    expect(ir.effect).toBe('permit');
    expect(ir.conditions).toEqual([]);
    expect(ir.isTemplate).toBe(false);
  });

  it('lowers ==, in, is and is … in with entity uids', () => {
    const ir = lower('forbid(principal == User::"a", action == Action::"read", resource is File in Folder::"x");');
    expect(ir.effect).toBe('forbid');
    expect(ir.scope.principal).toEqual({ op: '==', target: { uid: new EntityUID('User', 'a') } });
    expect(ir.scope.action).toEqual({ op: '==', uid: new EntityUID('Action', 'read') });
    expect(ir.scope.resource).toEqual({ op: 'is', type: 'File', in: { uid: new EntityUID('Folder', 'x') } });
    expect(lower('permit(principal in Group::"g", action, resource is File);').scope).toMatchObject({
      principal: { op: 'in', target: { uid: new EntityUID('Group', 'g') } },
      resource: { op: 'is', type: 'File' },
    });
  });

  it('lowers `action in` with one entity or a list', () => {
    expect(lower('permit(principal, action in Action::"a", resource);').scope.action).toEqual({
      op: 'in',
      uids: [new EntityUID('Action', 'a')],
    });
    expect(lower('permit(principal, action in [Action::"a", Action::"b"], resource);').scope.action).toEqual({
      op: 'in',
      uids: [new EntityUID('Action', 'a'), new EntityUID('Action', 'b')],
    });
  });

  it('keeps template slots as slots', () => {
    const ir = lower('permit(principal is User in ?principal, action, resource == ?resource);');
    expect(ir.isTemplate).toBe(true);
    expect(ir.scope.principal).toEqual({ op: 'is', type: 'User', in: { slot: '?principal' } });
    expect(ir.scope.resource).toEqual({ op: '==', target: { slot: '?resource' } });
  });

  it('keeps when and unless clauses in order', () => {
    const ir = lower(`${P} when { true } unless { false } when { context.x };`);
    expect(ir.conditions.map((c) => c.kind)).toEqual(['when', 'unless', 'when']);
    expect(ir.conditions[1]?.body).toEqual({ k: 'lit', v: false });
  });
});

describe('annotations', () => {
  it('keeps values, and gives a valueless annotation the empty string', () => {
    const ir = lower(`@id("x") @reason("why") @flag ${P};`);
    expect({ ...ir.annotations }).toEqual({ id: 'x', reason: 'why', flag: '' });
  });

  it('keeps prototype-named annotations as data in a null-prototype object', () => {
    const ir = lower(`@__proto__("a") @constructor("b") @toString ${P};`);
    expect(Object.getPrototypeOf(ir.annotations)).toBe(null);
    expect(Object.keys(ir.annotations).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getOwnPropertyDescriptor(ir.annotations, '__proto__')?.value).toBe('a');
    expect(ir.annotations.constructor).toBe('b');
    expect(ir.annotations.toString).toBe('');
  });

  it('has no annotations when the policy has none', () => {
    expect(Object.keys(lower(`${P};`).annotations)).toEqual([]);
  });
});

describe('has', () => {
  it('lowers a single attribute to one test', () => {
    expect(when('principal has age')).toEqual({ k: 'has', a: principal, attr: 'age' });
  });

  it('desugars `e has a.b.c` to `e has a && e.a has b && e.a.b has c`', () => {
    const getA: Node = { k: 'get', a: principal, attr: 'a' };
    const getAB: Node = { k: 'get', a: getA, attr: 'b' };
    expect(when('principal has a.b.c')).toEqual({
      k: 'and',
      a: { k: 'and', a: { k: 'has', a: principal, attr: 'a' }, b: { k: 'has', a: getA, attr: 'b' } },
      b: { k: 'has', a: getAB, attr: 'c' },
    });
  });

  it('keeps attribute names with spaces and prototype names', () => {
    expect(when('principal["a b"] has "__proto__"')).toEqual({
      k: 'has',
      a: { k: 'get', a: principal, attr: 'a b' },
      attr: '__proto__',
    });
  });

  it('evaluates nested `has` exactly as cedar-wasm does', () => {
    const exprs = [
      'principal has profile.team.name',
      'principal has profile.team.size',
      'principal has profile.nope.name',
      'principal has age.x',
      'principal has age.x.y',
      'context has rec.a.b',
      'context has rec.a.c',
      'context has rec.a.b.c',
      '{a: {b: 1}} has a.b',
      '{a: 2} has a.b',
      'User::"nobody" has a.b',
      'resource has owner.age',
      'resource has owner.nope',
    ];
    expect(mandateOutcomes(exprs).map((o) => o.result)).toEqual(cedarOutcomes(exprs).map((o) => o.result));
  });
});

describe('is … in', () => {
  it('lowers `e is T in x` to `e is T && e in x`', () => {
    const g: Node = { k: 'lit', v: new EntityUID('Group', 'g') };
    expect(when('principal is User in Group::"g"')).toEqual({
      k: 'and',
      a: { k: 'is', a: principal, type: 'User' },
      b: { k: 'bin', op: 'in', a: principal, b: g },
    });
    expect(when('principal is User')).toEqual({ k: 'is', a: principal, type: 'User' });
  });

  it('evaluates exactly as cedar-wasm does', () => {
    const exprs = [
      'principal is User in Group::"g"',
      'principal is User in Group::"all"',
      'principal is Group in Group::"g"',
      'principal is User in [Group::"nope", Group::"all"]',
      'principal is User in principal',
      'principal is User in 1',
      'principal is Group in 1',
      'action is Action in Action::"readOnly"',
      'User::"nobody" is User in Group::"g"',
      'User::"nobody" is User in User::"nobody"',
    ];
    expect(mandateOutcomes(exprs).map((o) => o.result)).toEqual(cedarOutcomes(exprs).map((o) => o.result));
  });
});

describe('like patterns', () => {
  const pattern = (p: string) => (when(`context.s like "${p}"`) as Extract<Node, { k: 'like' }>).pattern.segments;

  it('splits at wildcards; an escaped star is a literal star', () => {
    expect(pattern('a\\*b*c**')).toEqual(['a*b', 'c', '', '']);
    expect(pattern('\\*')).toEqual(['*']);
    expect(pattern('*\\**')).toEqual(['', '*', '']);
  });

  it('has one more segment than wildcards, with empty segments at the ends', () => {
    expect(pattern('')).toEqual(['']);
    expect(pattern('*')).toEqual(['', '']);
    expect(pattern('abc')).toEqual(['abc']);
    expect(pattern('*abc*')).toEqual(['', 'abc', '']);
  });

  it('unescapes ordinary string escapes in literals', () => {
    expect(pattern('a\\\\*')).toEqual(['a\\', '']);
    expect(pattern('\\n*\\t')).toEqual(['\n', '\t']);
    expect(pattern('\\u{1F600}*')).toEqual(['😀', '']);
  });

  it('evaluates escaped stars exactly as cedar-wasm does', () => {
    const exprs = [
      '"a*b" like "a\\*b"',
      '"axb" like "a\\*b"',
      '"a*" like "a\\**"',
      '"a*xyz" like "a\\**"',
      '"ab" like "a\\**"',
      '"*" like "\\*"',
      '"\\\\" like "\\\\"',
      '"a\\\\b" like "a\\\\*"',
    ];
    expect(mandateOutcomes(exprs).map((o) => o.result)).toEqual(cedarOutcomes(exprs).map((o) => o.result));
  });
});

describe('literals and other nodes', () => {
  it('turns integers into bigints and keeps bigints', () => {
    expect(when('context.x == 5')).toEqual({
      k: 'bin',
      op: '==',
      a: { k: 'get', a: { k: 'var', name: 'context' }, attr: 'x' },
      b: { k: 'lit', v: 5n },
    });
    const ir = lowerPolicy(
      'p',
      withBody({ '==': { left: { Value: 9223372036854775807n }, right: { Value: -1 } } }),
      false,
    );
    expect(ir.conditions[0]?.body).toEqual({
      k: 'bin',
      op: '==',
      a: { k: 'lit', v: 9223372036854775807n },
      b: { k: 'lit', v: -1n },
    });
  });

  it('refuses an integer that a JS number has already rounded', () => {
    const e = refusal(() => lowerPolicy('p', withBody({ Value: 2 ** 63 }), false));
    expect(e.kind).toBe('unsupported');
    expect(e.policyId).toBe('p');
    expect(e.message).toContain('not exact');
  });

  it('lowers entity, set, record and extension literals', () => {
    const ir = lowerPolicy(
      'p',
      withBody({
        Value: [
          { __entity: { type: 'User', id: 'a' } },
          { a: 1, __proto__x: true },
          { __extn: { fn: 'ip', arg: '10.0.0.1' } },
        ],
      }),
      false,
    );
    const v = (ir.conditions[0]?.body as Extract<Node, { k: 'lit' }> | undefined)?.v;
    expect(v).toBeInstanceOf(CedarSet);
    const items = (v as CedarSet).items;
    expect(items[0]).toEqual(new EntityUID('User', 'a'));
    expect(items[1]).toBeInstanceOf(CedarRecord);
    expect([...(items[1] as CedarRecord).map.keys()]).toEqual(['a', '__proto__x']);
    expect(items[2]).toBeInstanceOf(ExtensionValue);
    expect(String(items[2])).toContain('10.0.0.1');
  });

  it('refuses a bad extension literal with a PolicyError', () => {
    const e = refusal(() => lowerPolicy('p', withBody({ Value: { __extn: { fn: 'ip', arg: 'nope' } } }), false));
    expect(e.kind).toBe('unsupported');
  });

  it('keeps `__proto__` as a record key', () => {
    const node = when('{"__proto__": 1, a: 2} has "__proto__"') as { readonly a: Node };
    expect(node.a).toEqual({
      k: 'record',
      entries: [
        ['__proto__', { k: 'lit', v: 1n }],
        ['a', { k: 'lit', v: 2n }],
      ],
    });
  });

  it('keeps an extension call with the wrong number of arguments (Cedar errors only when evaluating it)', () => {
    const ir = lowerPolicy('p', withBody({ ip: [{ Value: 'a' }, { Value: 'b' }] }), false);
    expect(ir.conditions[0]?.body).toEqual({
      k: 'ext',
      fn: 'ip',
      args: [
        { k: 'lit', v: 'a' },
        { k: 'lit', v: 'b' },
      ],
    });
  });

  it('lowers extension calls, methods and if-then-else', () => {
    expect(when('ip("1.2.3.4").isLoopback()')).toEqual({
      k: 'ext',
      fn: 'isLoopback',
      args: [{ k: 'ext', fn: 'ip', args: [{ k: 'lit', v: '1.2.3.4' }] }],
    });
    expect(when('if context.flag then 1 else 2')).toEqual({
      k: 'if',
      c: { k: 'get', a: { k: 'var', name: 'context' }, attr: 'flag' },
      t: { k: 'lit', v: 1n },
      e: { k: 'lit', v: 2n },
    });
    expect(when('!context.flag')).toEqual({
      k: 'not',
      a: { k: 'get', a: { k: 'var', name: 'context' }, attr: 'flag' },
    });
    expect(when('[].isEmpty()')).toEqual({ k: 'isEmpty', a: { k: 'set', items: [] } });
  });
});

describe('refusals', () => {
  it.each([
    ['an unknown effect', { ...withBody({ Value: true }), effect: 'allow' }],
    ['an unknown operator', withBody({ frobnicate: { left: { Value: 1 }, right: { Value: 2 } } })],
    ['an unknown variable', withBody({ Var: 'user' })],
    ['an unknown slot', withBody({ Slot: '?other' })],
    ['two keys in one expression', withBody({ Value: true, Var: 'context' })],
    ['a malformed pattern', withBody({ like: { left: { Value: 'a' }, pattern: [{ Literal: 1 }] } })],
    ['an empty `has` path', withBody({ has: { left: { Var: 'context' }, attr: [] } })],
    ['an unknown extension function', withBody({ ipaddr: [{ Value: 'a' }] })],
    ['an extension call without an argument list', withBody({ ip: { Value: 'a' } })],
    ['a malformed scope', { ...withBody({ Value: true }), principal: { op: 'like' } }],
    ['malformed conditions', { ...withBody({ Value: true }), conditions: [{ kind: 'maybe', body: { Value: true } }] }],
  ])('refuses %s', (_, input) => {
    const e = refusal(() => lowerPolicy('bad', input as unknown as PolicyJson, false));
    expect(e.kind).toBe('unsupported');
    expect(e.policyId).toBe('bad');
    expect(e.message).toMatch(/^policy `bad`: /);
  });
});

describe('nesting depth', () => {
  const nestedNot = (depth: number): unknown => {
    let e: unknown = { Value: true };
    for (let i = 0; i < depth; i++) e = { '!': { arg: e } };
    return e;
  };

  it('accepts nesting well within the limit', () => {
    const ir = lowerPolicy('p', withBody(nestedNot(MAX_EXPRESSION_DEPTH - 10)), false);
    expect(ir.conditions).toHaveLength(1);
  });

  it('refuses deeper nesting with a PolicyError, not a stack overflow', () => {
    const e = refusal(() => lowerPolicy('deep', withBody(nestedNot(200_000)), false));
    expect(e.kind).toBe('unsupported');
    expect(e.policyId).toBe('deep');
    expect(e.message).toContain(`deeper than ${MAX_EXPRESSION_DEPTH}`);
  });

  it('refuses deeply nested literals too', () => {
    let v: unknown = 1;
    for (let i = 0; i < 200_000; i++) v = [v];
    const e = refusal(() => lowerPolicy('deep', withBody({ Value: v }), false));
    expect(e.kind).toBe('unsupported');
  });

  it('counts a long flat `||` chain as nesting (Cedar’s EST nests binary operators to the left)', () => {
    let chain: unknown = { '==': { left: { '.': { left: { Var: 'context' }, attr: 'x' } }, right: { Value: 0 } } };
    for (let i = 1; i < 1200; i++) {
      chain = {
        '||': {
          left: chain,
          right: { '==': { left: { '.': { left: { Var: 'context' }, attr: 'x' } }, right: { Value: i } } },
        },
      };
    }
    expect(refusal(() => lowerPolicy('chain', withBody(chain), false)).kind).toBe('unsupported');
  });
});
