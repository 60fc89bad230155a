/**
 * @module test/compile/policy-set
 * PolicySet: compiling every input form, `@id` annotations as ids, templates and links (as
 * given and added later), and the errors — unknown template, missing and extra slot values,
 * bad slot values, duplicate ids — each a typed PolicyError naming the policy.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import type { EvalEnv } from '../../src/compile/env.js';
import { PolicySet } from '../../src/compile/policy-set.js';
import { EntityStore } from '../../src/entities/store.js';
import { PolicyError } from '../../src/errors.js';
import { CedarRecord, EntityUID } from '../../src/values/value.js';

const P = 'permit(principal, action, resource)';
const T = 'permit(principal == ?principal, action, resource)';
const T2 = 'forbid(principal in ?principal, action, resource == ?resource)';
const alice = { type: 'User', id: 'alice' };

function policyError(f: () => unknown): PolicyError {
  try {
    f();
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw new Error(`expected a PolicyError, got ${String(e)}`);
  }
  throw new Error('expected a PolicyError');
}

const envFor = (principal: EntityUID, resource = new EntityUID('File', 'f')): EvalEnv => ({
  principal,
  action: new EntityUID('Action', 'read'),
  resource,
  context: CedarRecord.EMPTY,
  entities: EntityStore.EMPTY,
});

describe('compiling', () => {
  it('compiles text with Cedar ids, keeping templates apart', () => {
    const ps = PolicySet.compile(`${P};\n${T};\nforbid(principal, action, resource);`);
    expect(ps.policies.map((p) => p.id)).toEqual(['policy0', 'policy2']);
    expect([...ps.templates.keys()]).toEqual(['policy1']);
    expect(ps.size).toBe(2);
    expect(ps.staticIR.map((p) => p.id)).toEqual(['policy0', 'policy2']);
    expect(ps.get('policy2')?.effect).toBe('forbid');
    expect(ps.get('policy1')).toBeUndefined();
  });

  it('refuses templates in text in cedar-wasm-strict mode', () => {
    expect(policyError(() => PolicySet.compile(`${P};\n${T};`, { strictCedarWasm: true })).policyId).toBe('policy1');
  });

  it('compiles an empty set', () => {
    expect(PolicySet.compile('').size).toBe(0);
    expect(PolicySet.compile('// nothing\n').size).toBe(0);
    expect(PolicySet.EMPTY.size).toBe(0);
  });

  it('compiles the PolicySet object forms, EST included', () => {
    const est = cedar.policyToJson(`${P} when { context.x == 1 };`);
    if (est.type !== 'success') throw new Error('cedar-wasm failed');
    const ps = PolicySet.compile({ staticPolicies: { a: `${P};`, b: est.json } });
    expect(ps.policies.map((p) => p.id)).toEqual(['a', 'b']);
    expect(ps.get('b')?.conditions).toHaveLength(1);
  });

  it('compiles from IR without parsing (the bundle path)', () => {
    const src = PolicySet.compile({ staticPolicies: { s: `${P};` }, templates: { t: `${T};` } });
    const copy = PolicySet.fromIR(
      src.staticIR,
      [...src.templates.values()],
      [{ templateId: 't', newId: 'l', values: { '?principal': alice } }],
    );
    expect(copy.policies.map((p) => p.id)).toEqual(['s', 'l']);
    expect(copy.get('l')?.templateId).toBe('t');
  });
});

describe('@id annotations', () => {
  const text = `@id("allow-all") ${P};\n@id("deny-bob") forbid(principal == User::"bob", action, resource);\n${P} when { false };`;

  it('are ignored by default (Cedar ids)', () => {
    const ps = PolicySet.compile(text);
    expect(ps.policies.map((p) => p.id)).toEqual(['policy0', 'policy1', 'policy2']);
    expect(ps.get('policy0')?.annotations.id).toBe('allow-all');
  });

  it('name policies with idAnnotation, falling back to Cedar ids', () => {
    const ps = PolicySet.compile(text, { idAnnotation: true });
    expect(ps.policies.map((p) => p.id)).toEqual(['allow-all', 'deny-bob', 'policy2']);
    expect(ps.get('deny-bob')?.effect).toBe('forbid');
  });

  it('name templates too, so links can refer to them', () => {
    const ps = PolicySet.compile(
      {
        staticPolicies: `@id("tpl") ${T};`,
        templateLinks: [{ templateId: 'tpl', newId: 'l', values: { '?principal': alice } }],
      },
      { idAnnotation: true },
    );
    expect([...ps.templates.keys()]).toEqual(['tpl']);
    expect(ps.policies.map((p) => p.id)).toEqual(['l']);
  });

  it('must be unique', () => {
    const e = policyError(() => PolicySet.compile(`@id("x") ${P};\n@id("x") ${P};`, { idAnnotation: true }));
    expect(e.kind).toBe('duplicate-id');
    expect(e.policyId).toBe('x');
    expect(policyError(() => PolicySet.compile(`@id("policy1") ${P};\n${P};`, { idAnnotation: true })).kind).toBe(
      'duplicate-id',
    );
    expect(policyError(() => PolicySet.compile(`@id("x") ${T};\n@id("x") ${T};`, { idAnnotation: true })).kind).toBe(
      'duplicate-id',
    );
    expect(policyError(() => PolicySet.compile(`@id("x") ${P};\n@id("x") ${T};`, { idAnnotation: true })).kind).toBe(
      'duplicate-id',
    );
  });
});

describe('template links', () => {
  const base = { staticPolicies: { s: `${P} when { false };` }, templates: { t: `${T};`, t2: `${T2};` } };

  it('link by slot values given as {type, id} or {__entity}', () => {
    const ps = PolicySet.compile({
      ...base,
      templateLinks: [
        { templateId: 't', newId: 'l1', values: { '?principal': alice } },
        {
          templateId: 't2',
          newId: 'l2',
          values: { '?principal': { __entity: { type: 'Group', id: 'g' } }, '?resource': { type: 'File', id: 'f' } },
        },
      ],
    });
    expect(ps.policies.map((p) => [p.id, p.templateId])).toEqual([
      ['s', undefined],
      ['l1', 't'],
      ['l2', 't2'],
    ]);
    const l1 = ps.get('l1');
    expect(l1?.matchesScope(envFor(new EntityUID('User', 'alice')))).toBe(true);
    expect(l1?.matchesScope(envFor(new EntityUID('User', 'bob')))).toBe(false);
  });

  it('link later with link(), leaving the original set unchanged', () => {
    const ps = PolicySet.compile(base);
    const more = ps.link('t', 'late', { '?principal': alice });
    expect(ps.get('late')).toBeUndefined();
    expect(more.get('late')?.templateId).toBe('t');
    expect(more.policies.map((p) => p.id)).toEqual(['s', 'late']);
    expect(more.link('t', 'later', { '?principal': { type: 'User', id: 'bob' } }).size).toBe(3);
  });

  it('refuse an unknown template', () => {
    const e = policyError(() => PolicySet.compile(base).link('nope', 'l', { '?principal': alice }));
    expect(e.kind).toBe('link');
    expect(e.policyId).toBe('l');
    expect(e.message).toContain('`nope`');
  });

  it('refuse a missing slot value', () => {
    const e = policyError(() => PolicySet.compile(base).link('t2', 'l', { '?principal': alice }));
    expect(e.kind).toBe('link');
    expect(e.message).toContain('?resource');
    expect(policyError(() => PolicySet.compile(base).link('t', 'l', {})).kind).toBe('link');
  });

  it('refuse an extra slot value and an unknown slot name', () => {
    const extra = policyError(() =>
      PolicySet.compile(base).link('t', 'l', { '?principal': alice, '?resource': alice }),
    );
    expect(extra.kind).toBe('link');
    expect(extra.message).toContain('?resource');
    const unknown = policyError(() =>
      PolicySet.compile(base).link('t', 'l', { '?principal': alice, '?action': alice }),
    );
    expect(unknown.kind).toBe('link');
    expect(unknown.message).toContain('?action');
  });

  it('refuse slot values that are not entity uids', () => {
    for (const bad of ['User::"alice"', { type: 'User' }, { type: 1, id: 'a' }, null, [alice]]) {
      expect(policyError(() => PolicySet.compile(base).link('t', 'l', { '?principal': bad })).kind).toBe('link');
    }
  });

  it('refuse a link id already used by a policy, a template or another link', () => {
    const ps = PolicySet.compile(base);
    for (const id of ['s', 't', 't2']) {
      const e = policyError(() => ps.link('t', id, { '?principal': alice }));
      expect(e.kind).toBe('duplicate-id');
      expect(e.policyId).toBe(id);
    }
    const once = ps.link('t', 'l', { '?principal': alice });
    expect(policyError(() => once.link('t', 'l', { '?principal': alice })).kind).toBe('duplicate-id');
  });

  it('refuse the same problems as cedar-wasm does', () => {
    const cases = [
      { templateId: 'nope', newId: 'l', values: { '?principal': alice } },
      { templateId: 't2', newId: 'l', values: { '?principal': alice } },
      { templateId: 't', newId: 'l', values: { '?principal': alice, '?resource': alice } },
      { templateId: 't', newId: 's', values: { '?principal': alice } },
      { templateId: 't', newId: 'ok', values: { '?principal': alice } },
    ];
    for (const link of cases) {
      const input = { ...base, templateLinks: [link] };
      const wasm = cedar.isAuthorized({
        principal: alice,
        action: { type: 'Action', id: 'read' },
        resource: { type: 'File', id: 'f' },
        context: {},
        policies: input,
        entities: [],
      });
      let ours = 'success';
      try {
        PolicySet.compile(input);
      } catch (e) {
        ours = e instanceof PolicyError ? 'failure' : 'crash';
      }
      expect(ours, link.newId).toBe(wasm.type);
    }
  });
});

describe('duplicate ids', () => {
  it('between static policies and templates, in every input form', () => {
    expect(
      policyError(() => PolicySet.compile({ staticPolicies: { x: `${P};` }, templates: { x: `${T};` } })).kind,
    ).toBe('duplicate-id');
    expect(
      policyError(() => PolicySet.compile({ staticPolicies: `${P};`, templates: { policy0: `${T};` } })).policyId,
    ).toBe('policy0');
  });

  it('in IR given directly', () => {
    const ps = PolicySet.compile({ staticPolicies: { a: `${P};` }, templates: { t: `${T};` } });
    const [a] = ps.staticIR;
    if (a === undefined) throw new Error('no policy');
    expect(policyError(() => PolicySet.fromIR([a, a])).kind).toBe('duplicate-id');
    expect(policyError(() => PolicySet.fromIR([{ ...a, id: 't' }], [...ps.templates.values()])).kind).toBe(
      'duplicate-id',
    );
  });
});

describe('link() on a compiled set', () => {
  const base = PolicySet.compile(
    'permit(principal == ?principal, action, resource);\npermit(principal, action, resource) when { context.x };',
  );

  it('compiles only the new link and shares every policy already compiled', () => {
    const one = base.link('policy0', 'l1', { '?principal': { type: 'User', id: 'alice' } });
    const two = one.link('policy0', 'l2', { '?principal': { type: 'User', id: 'bob' } });
    expect(two.policies.map((p) => p.id)).toEqual(['policy1', 'l1', 'l2']);
    expect(two.policies[0]).toBe(base.policies[0]);
    expect(two.policies[1]).toBe(one.policies[1]);
    expect(two.get('l2')?.scope.principal).toEqual({ op: '==', target: { uid: new EntityUID('User', 'bob') } });
    // the earlier sets are unchanged
    expect(one.policies.map((p) => p.id)).toEqual(['policy1', 'l1']);
    expect(base.policies.map((p) => p.id)).toEqual(['policy1']);
  });

  it('still refuses a duplicate id or an unknown template', () => {
    const one = base.link('policy0', 'l1', { '?principal': { type: 'User', id: 'alice' } });
    expect(() => one.link('policy0', 'l1', { '?principal': { type: 'User', id: 'bob' } })).toThrow(PolicyError);
    expect(() => one.link('policy0', 'policy1', { '?principal': { type: 'User', id: 'bob' } })).toThrow(/duplicate/);
    expect(() => one.link('nope', 'l2', { '?principal': { type: 'User', id: 'bob' } })).toThrow(/no template/);
  });
});
