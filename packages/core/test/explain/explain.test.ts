/**
 * @module explain/explain.test
 * `explain` and `formatExplanation` on hand-written cases: each scope operator and template
 * slots, short-circuits, errors and where they arose, values rendered in Cedar syntax,
 * fail-closed forbids, rejected requests, source positions, outlines and the text rendering.
 */
import {
  type AuthorizationRequest,
  Authorizer,
  type ExprExplanation,
  explain,
  formatExplanation,
  type PolicyExplanation,
  PolicySet,
  policyOutline,
} from '@mandate/core';
import { describe, expect, test } from 'vitest';

const uid = (type: string, id: string) => ({ type, id });
const ENTITIES = [
  {
    uid: uid('User', 'alice'),
    attrs: { risk: 72, owner: { __entity: uid('User', 'alice') } },
    parents: [uid('Group', 'staff')],
  },
  { uid: uid('Group', 'staff'), attrs: {}, parents: [] },
  { uid: uid('File', 'notes'), attrs: { owner: { __entity: uid('User', 'alice') } }, parents: [uid('Folder', 'home')] },
  { uid: uid('Folder', 'home'), attrs: {}, parents: [] },
  { uid: uid('Action', 'read'), attrs: {}, parents: [uid('Action', 'readOnly')] },
];
const READ: AuthorizationRequest = {
  principal: uid('User', 'alice'),
  action: uid('Action', 'read'),
  resource: uid('File', 'notes'),
  context: { session: { labels: ['private-data'], risk: 10 } },
};

function policyOf(x: { policies: readonly PolicyExplanation[] }, id: string): PolicyExplanation {
  const p = x.policies.find((q) => q.id === id);
  if (p === undefined) throw new Error(`no policy ${id}`);
  return p;
}

function find(n: ExprExplanation, text: string): ExprExplanation | undefined {
  if (n.text === text) return n;
  for (const c of n.children) {
    const f = find(c, text);
    if (f) return f;
  }
  return undefined;
}

describe('scope', () => {
  const authz = new Authorizer({
    idAnnotation: true,
    entities: ENTITIES,
    policies: `
      @id("eq") permit(principal == User::"alice", action == Action::"read", resource == File::"notes");
      @id("in") permit(principal in Group::"staff", action in [Action::"write", Action::"readOnly"], resource in Folder::"home");
      @id("is") permit(principal is User, action, resource is Folder);
      @id("is-in") permit(principal is User in Group::"other", action, resource is File in Folder::"home");
      @id("tpl") permit(principal == ?principal, action, resource in ?resource);
    `,
  }).policySet.link('tpl', 'tpl-alice', { '?principal': uid('User', 'alice'), '?resource': uid('Folder', 'home') });

  test('every operator says whether it matched, with the request entity', () => {
    const a = new Authorizer({ policies: authz, entities: ENTITIES });
    const x = explain(a, READ);
    const eq = policyOf(x, 'eq');
    expect(eq.scope.principal).toEqual({
      variable: 'principal',
      op: '==',
      text: 'principal == User::"alice"',
      value: 'User::"alice"',
      matched: true,
    });
    expect(eq.outcome).toBe('satisfied');
    const inn = policyOf(x, 'in');
    expect(inn.scope.action).toMatchObject({
      op: 'in',
      text: 'action in [Action::"write", Action::"readOnly"]',
      matched: true,
    });
    expect(inn.scope.resource).toMatchObject({ op: 'in', text: 'resource in Folder::"home"', matched: true });
    const is = policyOf(x, 'is');
    expect(is.scope.principal).toMatchObject({ op: 'is', matched: true });
    expect(is.scope.resource).toMatchObject({
      op: 'is',
      text: 'resource is Folder',
      value: 'File::"notes"',
      matched: false,
    });
    expect(is.scope.matched).toBe(false);
    expect(is.outcome).toBe('not-applicable');
    const isIn = policyOf(x, 'is-in');
    expect(isIn.scope.principal).toMatchObject({
      op: 'is-in',
      text: 'principal is User in Group::"other"',
      matched: false,
    });
    expect(isIn.scope.resource).toMatchObject({ op: 'is-in', matched: true });
    expect(x.reasons).toEqual(['eq', 'in', 'tpl-alice']);
  });

  test('a linked policy names its template and the slots its constraints came from', () => {
    const x = explain(new Authorizer({ policies: authz, entities: ENTITIES }), READ);
    const t = policyOf(x, 'tpl-alice');
    expect(t.templateId).toBe('tpl');
    expect(t.scope.principal).toMatchObject({ slot: '?principal', text: 'principal == User::"alice"', matched: true });
    expect(t.scope.resource).toMatchObject({ slot: '?resource', text: 'resource in Folder::"home"', matched: true });
    // `PolicySet.link` drops the set's source text (it no longer describes the set): no positions.
    expect(t.source).toBeUndefined();
  });
});

describe('conditions', () => {
  const authz = new Authorizer({
    idAnnotation: true,
    entities: ENTITIES,
    policies: `
      @id("risky")
      forbid(principal, action, resource)
      when { principal.risk > 50 && context.session.labels.contains("private-data") };

      @id("short")
      permit(principal, action, resource)
      when { principal.risk < 50 && principal.nope == 1 }
      unless { principal.missing };

      @id("errs")
      permit(principal, action, resource)
      when { context.session.risk < 20 || principal.nope };

      @id("nonbool")
      permit(principal, action, resource) when { principal.risk };
    `,
  });

  test('values that decided each leaf, in Cedar syntax', () => {
    const x = explain(authz, READ);
    const risky = policyOf(x, 'risky');
    expect(risky.outcome).toBe('satisfied');
    expect(risky.determining).toBe(true);
    const body = risky.conditions[0]?.expression as ExprExplanation;
    expect(body).toMatchObject({ op: '&&', outcome: 'true', predicate: true, path: '0' });
    expect(body.children.map((c) => [c.text, c.outcome, c.path])).toEqual([
      ['principal.risk > 50', 'true', '0.0'],
      ['context.session.labels.contains("private-data")', 'true', '0.1'],
    ]);
    expect(find(body, 'principal.risk')).toMatchObject({ outcome: 'value', value: '72', predicate: false });
    expect(find(body, 'context.session.labels')).toMatchObject({ value: '["private-data"]' });
  });

  test('short-circuit: what was never evaluated says so, and later clauses are skipped', () => {
    const short = policyOf(explain(authz, READ), 'short');
    expect(short.outcome).toBe('unsatisfied');
    const [when, unless] = short.conditions;
    expect(when?.outcome).toBe('unsatisfied');
    expect(when?.expression.children.map((c) => c.outcome)).toEqual(['false', 'skipped']);
    expect(unless).toMatchObject({ kind: 'unless', outcome: 'skipped' });
    expect(unless?.expression.outcome).toBe('skipped');
  });

  test('errors carry Cedar message and where they arose', () => {
    const x = explain(authz, { ...READ, context: { session: { labels: [], risk: 30 } } });
    const errs = policyOf(x, 'errs');
    expect(errs.outcome).toBe('error');
    expect(errs.error).toBe('`User::"alice"` does not have the attribute `nope`');
    expect(x.errors).toContainEqual({ policyId: 'errs', message: errs.error });
    const body = errs.conditions[0]?.expression as ExprExplanation;
    expect(body.children[0]).toMatchObject({ outcome: 'false' });
    expect(body.children[1]).toMatchObject({ outcome: 'error', errorOrigin: true, text: 'principal.nope' });
    expect(body).toMatchObject({ outcome: 'error', errorOrigin: false });
  });

  test('a clause that is not a boolean is an error of the clause', () => {
    const p = policyOf(explain(authz, READ), 'nonbool');
    expect(p.conditions[0]).toMatchObject({ outcome: 'error', error: 'type error: expected bool, got long' });
    expect(p.conditions[0]?.expression).toMatchObject({ outcome: 'value', value: '72' });
  });
});

describe('decisions', () => {
  test('fail-closed forbids are determining when they error', () => {
    const policies = `@failClosed forbid(principal, action, resource) when { principal.nope };
      permit(principal, action, resource);`;
    for (const mode of ['off', 'annotated', 'all'] as const) {
      const a = new Authorizer({ policies, entities: ENTITIES, failClosed: mode });
      const x = explain(a, READ);
      expect(x).toMatchObject({ decision: a.authorize(READ).decision, reasons: a.authorize(READ).reasons });
      expect(x.policies[0]?.outcome).toBe('error');
      expect(x.policies[0]?.determining).toBe(mode !== 'off');
    }
  });

  test('a rejected request is a failure, with every policy not evaluated', () => {
    const a = new Authorizer({ policies: 'permit(principal, action, resource);' });
    const x = explain(a, { ...READ, principal: { type: '', id: 'x' } });
    expect(x.failure?.message).toBe(a.authorize({ ...READ, principal: { type: '', id: 'x' } }).failure?.message);
    expect(x.decision).toBe('deny');
    expect(x.request).toBeUndefined();
    expect(x.policies.map((p) => p.outcome)).toEqual(['skipped']);
    expect(formatExplanation(x)).toContain('request rejected');
  });

  test("policies from cedar-wasm's JSON shape have no source positions", () => {
    const set = PolicySet.compile({ staticPolicies: 'permit(principal, action, resource);' });
    const x = explain(new Authorizer({ policies: set }), READ);
    expect(x.policies[0]?.source).toBeUndefined();
    expect(x.decision).toBe('allow');
  });
});

describe('source positions and outlines', () => {
  const text = `// header
permit(principal, action, resource);

@id("second")
forbid(principal, action, resource)
  when { context.session.risk > 50 };
`;
  test('each policy knows its line and text', () => {
    const a = new Authorizer({ policies: text, idAnnotation: true });
    const x = explain(a, READ);
    expect(x.policies.map((p) => [p.id, p.source?.line, p.source?.column])).toEqual([
      ['policy0', 2, 1],
      ['second', 4, 1],
    ]);
    expect(x.policies[1]?.source?.text).toBe(
      '@id("second")\nforbid(principal, action, resource)\n  when { context.session.risk > 50 };',
    );
  });

  test('an outline lists every clause node, nothing evaluated', () => {
    const [, second] = policyOutline(new Authorizer({ policies: text, idAnnotation: true }));
    expect(second?.outcome).toBe('skipped');
    expect(second?.scope.matched).toBeUndefined();
    expect(second?.conditions[0]?.expression).toMatchObject({
      path: '0',
      text: 'context.session.risk > 50',
      outcome: 'skipped',
    });
  });
});

describe('formatExplanation', () => {
  const authz = new Authorizer({
    idAnnotation: true,
    entities: ENTITIES,
    policies: `
      @id("read-own") permit(principal is User, action == Action::"read", resource)
      when { resource.owner == principal && principal.risk < 50 };
      @id("bob-only") permit(principal == User::"bob", action, resource);`,
  });

  test('a readable tree: decision, scope, clauses, values', () => {
    const s = formatExplanation(explain(authz, READ));
    expect(s).toContain('DENY  User::"alice" → Action::"read" → File::"notes"');
    expect(s).toContain('decided by: default deny (no policy satisfied)');
    expect(s).toContain('✗ permit read-own (line 2) — unsatisfied');
    expect(s).toContain('✓ principal is User  ← User::"alice"');
    expect(s).toContain('└─ ✗ principal.risk < 50');
    expect(s).toContain('principal.risk = 72');
    expect(s).toContain('✗ permit bob-only (line 4) — scope does not match');
    expect(s).not.toContain('\u001b[');
  });

  test('color only when asked', () => {
    expect(formatExplanation(explain(authz, READ), { color: true })).toContain('\u001b[31mDENY');
  });
});
