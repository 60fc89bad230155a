/**
 * @module test/compile/policy
 * One policy compiled: scope matchers (==, in, is, is … in; action == and in lists) over a
 * hierarchy and over missing entities, judged by cedar-wasm on a grid of requests; `when` and
 * `unless` clauses; template linking by slot substitution.
 */

import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import type { EvalEnv } from '../../src/compile/env.js';
import { compilePolicy } from '../../src/compile/policy.js';
import { PolicyError } from '../../src/errors.js';
import { parsePolicyText } from '../../src/frontend/parse.js';
import { lowerPolicy } from '../../src/ir/lower.js';
import type { PolicyIR, SlotName } from '../../src/ir/nodes.js';
import { EvaluationError } from '../../src/values/errors.js';
import { CedarRecord, EntityUID } from '../../src/values/value.js';
import { storeOf, type TypeAndId, uid } from './cedar-oracle.js';

function ir(text: string, id = 'p'): PolicyIR {
  const [parsed] = parsePolicyText(text);
  if (parsed === undefined) throw new Error('no policy');
  return lowerPolicy(id, parsed.est, parsed.isTemplate);
}

const ENTITIES: EntityJson[] = [
  { uid: { type: 'User', id: 'alice' }, attrs: { level: 3 }, parents: [{ type: 'Group', id: 'eng' }] },
  { uid: { type: 'User', id: 'bob' }, attrs: {}, parents: [] },
  { uid: { type: 'Group', id: 'eng' }, attrs: {}, parents: [{ type: 'Group', id: 'all' }] },
  { uid: { type: 'Group', id: 'all' }, attrs: {}, parents: [] },
  { uid: { type: 'File', id: 'f' }, attrs: {}, parents: [{ type: 'Folder', id: 'docs' }] },
  { uid: { type: 'Action', id: 'read' }, attrs: {}, parents: [{ type: 'Action', id: 'readOnly' }] },
  { uid: { type: 'Action', id: 'list' }, attrs: {}, parents: [{ type: 'Action', id: 'readOnly' }] },
  { uid: { type: 'Action', id: 'write' }, attrs: {}, parents: [] },
];
const store = storeOf(ENTITIES);

const PRINCIPALS: TypeAndId[] = [
  { type: 'User', id: 'alice' },
  { type: 'User', id: 'bob' },
  { type: 'User', id: 'ghost' },
  { type: 'Group', id: 'eng' },
];
const ACTIONS: TypeAndId[] = [
  { type: 'Action', id: 'read' },
  { type: 'Action', id: 'write' },
  { type: 'Action', id: 'readOnly' },
  { type: 'Action', id: 'unknown' },
];
const RESOURCES: TypeAndId[] = [
  { type: 'File', id: 'f' },
  { type: 'File', id: 'g' },
  { type: 'Folder', id: 'docs' },
];

const SCOPES = [
  'permit(principal, action, resource);',
  'permit(principal == User::"alice", action, resource);',
  'permit(principal == User::"ghost", action, resource);',
  'permit(principal in Group::"eng", action, resource);',
  'permit(principal in Group::"all", action, resource);',
  'permit(principal in User::"ghost", action, resource);',
  'permit(principal is User, action, resource);',
  'permit(principal is Group, action, resource);',
  'permit(principal is User in Group::"all", action, resource);',
  'permit(principal is Group in Group::"all", action, resource);',
  'permit(principal, action == Action::"read", resource);',
  'permit(principal, action in Action::"readOnly", resource);',
  'permit(principal, action in [Action::"write", Action::"readOnly"], resource);',
  'permit(principal, action in [], resource);',
  'permit(principal, action, resource == File::"f");',
  'permit(principal, action, resource in Folder::"docs");',
  'permit(principal, action, resource is Folder);',
  'permit(principal, action, resource is File in Folder::"docs");',
  'permit(principal in Group::"eng", action in Action::"readOnly", resource in Folder::"docs");',
];

const envFor = (p: TypeAndId, a: TypeAndId, r: TypeAndId): EvalEnv => ({
  principal: uid(p),
  action: uid(a),
  resource: uid(r),
  context: CedarRecord.EMPTY,
  entities: store,
});

describe('scope matching', () => {
  it('agrees with cedar-wasm on every scope for every request in a grid', () => {
    const compiled = SCOPES.map((s, i) => compilePolicy(ir(s, `s${i}`)));
    const staticPolicies: Record<string, string> = {};
    SCOPES.forEach((s, i) => {
      staticPolicies[`s${i}`] = s;
    });
    const mismatches: string[] = [];
    for (const p of PRINCIPALS)
      for (const a of ACTIONS)
        for (const r of RESOURCES) {
          const answer = cedar.isAuthorized({
            principal: p,
            action: a,
            resource: r,
            context: {},
            policies: { staticPolicies },
            entities: ENTITIES,
          });
          if (answer.type !== 'success') throw new Error(answer.errors.map((e) => e.message).join('; '));
          const want = new Set(answer.response.diagnostics.reason);
          const env = envFor(p, a, r);
          for (const c of compiled) {
            if ((c.matchesScope(env) && c.satisfiesConditions(env)) !== want.has(c.id)) {
              mismatches.push(`${c.id} ${JSON.stringify([p, a, r])}`);
            }
          }
        }
    expect(mismatches).toEqual([]);
  });

  it('never throws, even for entities that do not exist', () => {
    const c = compilePolicy(
      ir('permit(principal is User in Group::"x", action in [Action::"a"], resource in Folder::"y");'),
    );
    const env = envFor(
      { type: 'User', id: 'nobody' },
      { type: 'Action', id: 'nobody' },
      { type: 'File', id: 'nobody' },
    );
    expect(c.matchesScope(env)).toBe(false);
  });

  it('keeps the scope for indexing and explanations', () => {
    const c = compilePolicy(
      ir('forbid(principal == User::"alice", action == Action::"read", resource is File);', 'mine'),
    );
    expect(c.id).toBe('mine');
    expect(c.effect).toBe('forbid');
    expect(c.templateId).toBeUndefined();
    expect(c.scope.principal).toEqual({ op: '==', target: { uid: new EntityUID('User', 'alice') } });
    expect(c.scope.resource).toEqual({ op: 'is', type: 'File' });
  });
});

describe('conditions', () => {
  const env = envFor({ type: 'User', id: 'alice' }, { type: 'Action', id: 'read' }, { type: 'File', id: 'f' });

  it('with no clauses are satisfied', () => {
    expect(compilePolicy(ir('permit(principal, action, resource);')).satisfiesConditions(env)).toBe(true);
  });

  it('`when` needs true, `unless` needs false, and all clauses must hold', () => {
    const sat = (body: string) =>
      compilePolicy(ir(`permit(principal, action, resource) ${body};`)).satisfiesConditions(env);
    expect(sat('when { principal.level > 2 }')).toBe(true);
    expect(sat('when { principal.level > 3 }')).toBe(false);
    expect(sat('unless { principal.level > 3 }')).toBe(true);
    expect(sat('unless { principal.level > 2 }')).toBe(false);
    expect(sat('when { true } unless { false } when { principal.level == 3 }')).toBe(true);
    expect(sat('when { true } unless { true } when { principal.level == 3 }')).toBe(false);
  });

  it('stop at the first clause that fails (later clauses do not error)', () => {
    const c = compilePolicy(ir('permit(principal, action, resource) when { false } when { principal.nope };'));
    expect(c.satisfiesConditions(env)).toBe(false);
  });

  it('throw the evaluation error of a clause, `unless` included, and refuse non-booleans', () => {
    const err = (text: string) => {
      try {
        compilePolicy(ir(text)).satisfiesConditions(env);
      } catch (e) {
        return e instanceof EvaluationError ? e.kind : 'other';
      }
      return 'none';
    };
    expect(err('permit(principal, action, resource) unless { principal.nope };')).toBe('missing-attribute');
    expect(err('permit(principal, action, resource) when { principal.level };')).toBe('type');
    expect(err('permit(principal, action, resource) unless { "no" };')).toBe('type');
  });
});

describe('template linking', () => {
  const slots = (entries: [SlotName, EntityUID][]) => new Map(entries);
  const alice = new EntityUID('User', 'alice');
  const docs = new EntityUID('Folder', 'docs');

  it('fills `==`, `in` and `is … in` slots and keeps the template id', () => {
    const t = ir('permit(principal == ?principal, action, resource in ?resource);', 't');
    const linked = compilePolicy(t, {
      id: 'l1',
      slots: slots([
        ['?principal', alice],
        ['?resource', docs],
      ]),
    });
    expect(linked.id).toBe('l1');
    expect(linked.templateId).toBe('t');
    expect(linked.scope.principal).toEqual({ op: '==', target: { uid: alice } });
    expect(linked.scope.resource).toEqual({ op: 'in', target: { uid: docs } });
    expect(
      linked.matchesScope(
        envFor({ type: 'User', id: 'alice' }, { type: 'Action', id: 'x' }, { type: 'File', id: 'f' }),
      ),
    ).toBe(true);
    expect(
      linked.matchesScope(envFor({ type: 'User', id: 'bob' }, { type: 'Action', id: 'x' }, { type: 'File', id: 'f' })),
    ).toBe(false);

    const isIn = compilePolicy(ir('permit(principal is User in ?principal, action, resource);', 't2'), {
      id: 'l2',
      slots: slots([['?principal', new EntityUID('Group', 'all')]]),
    });
    expect(isIn.scope.principal).toEqual({ op: 'is', type: 'User', in: { uid: new EntityUID('Group', 'all') } });
    expect(
      isIn.matchesScope(envFor({ type: 'User', id: 'alice' }, { type: 'Action', id: 'x' }, { type: 'File', id: 'f' })),
    ).toBe(true);
    expect(
      isIn.matchesScope(envFor({ type: 'Group', id: 'eng' }, { type: 'Action', id: 'x' }, { type: 'File', id: 'f' })),
    ).toBe(false);
  });

  it('links one template many times independently', () => {
    const t = ir('permit(principal == ?principal, action, resource);', 't');
    const a = compilePolicy(t, { id: 'a', slots: slots([['?principal', alice]]) });
    const b = compilePolicy(t, { id: 'b', slots: slots([['?principal', new EntityUID('User', 'bob')]]) });
    const envA = envFor({ type: 'User', id: 'alice' }, { type: 'Action', id: 'x' }, { type: 'File', id: 'f' });
    expect([a.matchesScope(envA), b.matchesScope(envA)]).toEqual([true, false]);
  });

  it('refuses to compile a template with a slot left unfilled', () => {
    const t = ir('permit(principal == ?principal, action, resource == ?resource);', 't');
    let error: unknown;
    try {
      compilePolicy(t, { id: 'l', slots: slots([['?principal', alice]]) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).kind).toBe('link');
    expect((error as PolicyError).policyId).toBe('l');
    expect(() => compilePolicy(t)).toThrow(PolicyError);
  });

  it('keeps the template’s annotations on each link', () => {
    const t = ir('@reason("delegated") permit(principal == ?principal, action, resource);', 't');
    const l = compilePolicy(t, { id: 'l', slots: slots([['?principal', alice]]) });
    expect(l.annotations.reason).toBe('delegated');
  });
});
