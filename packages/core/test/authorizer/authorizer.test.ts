/**
 * @module test/authorizer/authorizer
 * The main API without a schema: decisions equal cedar-wasm's, determining policies carry
 * their annotations, malformed requests are denials with a `failure` (never exceptions),
 * fail-closed and `@id` options, and `withEntities`. (Schema paths are not tested here.)
 */

import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { type AuthorizationRequest, Authorizer } from '../../src/authorizer/authorizer.js';
import { PolicySet } from '../../src/compile/policy-set.js';
import { EntityError, EntityStore } from '../../src/entities/store.js';
import { PolicyError } from '../../src/errors.js';
import { CedarRecord, EntityUID } from '../../src/values/value.js';

const POLICIES = `
@id("members-read") @reason("members may read")
permit(principal in Group::"eng", action == Action::"read", resource);

@id("owner-write")
permit(principal, action == Action::"write", resource) when { resource.owner == principal };

@id("no-secrets") @reason("secrets are off limits") @severity("high")
forbid(principal, action, resource is Secret);

@id("trusted-ip")
forbid(principal, action, resource) unless { context.ip == "10.0.0.1" };
`;

const ENTITIES: EntityJson[] = [
  { uid: { type: 'User', id: 'alice' }, attrs: {}, parents: [{ type: 'Group', id: 'eng' }] },
  { uid: { type: 'User', id: 'bob' }, attrs: {}, parents: [] },
  { uid: { type: 'File', id: 'a' }, attrs: { owner: { __entity: { type: 'User', id: 'bob' } } }, parents: [] },
  { uid: { type: 'Group', id: 'eng' }, attrs: {}, parents: [] },
];

const authz = new Authorizer({ policies: POLICIES, entities: ENTITIES });

const req = (
  principal: string,
  action: string,
  resource: [string, string],
  context: Record<string, unknown> = { ip: '10.0.0.1' },
): AuthorizationRequest => ({
  principal: { type: 'User', id: principal },
  action: { type: 'Action', id: action },
  resource: { type: resource[0], id: resource[1] },
  context,
});

describe('decisions', () => {
  it('allow with the satisfied permits as reasons and determining policies', () => {
    const d = authz.authorize(req('alice', 'read', ['File', 'a']));
    expect(d.decision).toBe('allow');
    expect(d.reasons).toEqual(['policy0']);
    expect(d.errors).toEqual([]);
    expect(d.failure).toBeUndefined();
    expect(d.determining).toEqual([
      {
        id: 'policy0',
        effect: 'permit',
        annotations: expect.objectContaining({ id: 'members-read', reason: 'members may read' }),
      },
    ]);
  });

  it('deny with the satisfied forbids as determining policies, annotations included', () => {
    const d = authz.authorize(req('alice', 'read', ['Secret', 's'], { ip: '1.2.3.4' }));
    expect(d.decision).toBe('deny');
    expect(d.reasons).toEqual(['policy2', 'policy3']);
    expect(d.determining.map((p) => [p.id, p.effect])).toEqual([
      ['policy2', 'forbid'],
      ['policy3', 'forbid'],
    ]);
    expect({ ...d.determining[0]?.annotations }).toEqual({
      id: 'no-secrets',
      reason: 'secrets are off limits',
      severity: 'high',
    });
  });

  it('deny by default with no determining policies', () => {
    expect(authz.authorize(req('bob', 'read', ['File', 'a']))).toEqual({
      decision: 'deny',
      reasons: [],
      errors: [],
      determining: [],
    });
  });

  it('report erroring policies and skip them', () => {
    const d = authz.authorize(req('alice', 'read', ['File', 'a'], {}));
    expect(d.decision).toBe('allow');
    expect(d.errors).toEqual([{ policyId: 'policy3', message: 'record does not have the attribute `ip`' }]);
  });

  it('agree with cedar-wasm on a set of requests', () => {
    const requests = [
      req('alice', 'read', ['File', 'a']),
      req('bob', 'write', ['File', 'a']),
      req('alice', 'write', ['File', 'a']),
      req('alice', 'read', ['Secret', 'x']),
      req('bob', 'write', ['File', 'a'], {}),
      req('bob', 'write', ['File', 'nope']),
      req('carol', 'read', ['File', 'a'], { ip: '10.0.0.2' }),
    ];
    for (const r of requests) {
      const wasm = cedar.isAuthorized({
        principal: r.principal as { type: string; id: string },
        action: r.action as { type: string; id: string },
        resource: r.resource as { type: string; id: string },
        context: r.context as never,
        policies: { staticPolicies: POLICIES },
        entities: ENTITIES,
      });
      if (wasm.type !== 'success') throw new Error('cedar-wasm failed');
      const d = authz.authorize(r);
      expect({ decision: d.decision, reasons: d.reasons, errors: d.errors.map((e) => e.policyId) }).toEqual({
        decision: wasm.response.decision,
        reasons: wasm.response.diagnostics.reason,
        errors: wasm.response.diagnostics.errors.map((e) => e.policyId),
      });
    }
  });

  it('accept uids as EntityUID or {__entity}, and context as a ready record', () => {
    const d = authz.authorize({
      principal: new EntityUID('User', 'alice'),
      action: { __entity: { type: 'Action', id: 'read' } },
      resource: { type: 'File', id: 'a' },
      context: CedarRecord.fromEntries([['ip', '10.0.0.1']]),
    });
    expect(d.decision).toBe('allow');
  });
});

describe('authorizeEnv', () => {
  it('decides a request read by requestEnv exactly as authorize decides the request', () => {
    const requests = [
      req('alice', 'read', ['File', 'a']),
      req('alice', 'read', ['Secret', 's'], { ip: '1.2.3.4' }),
      req('bob', 'write', ['File', 'a']),
      req('alice', 'read', ['File', 'a'], {}),
    ];
    for (const r of requests) expect(authz.authorizeEnv(authz.requestEnv(r))).toEqual(authz.authorize(r));
  });
});

describe('options', () => {
  it('idAnnotation: `@id` annotations become the ids', () => {
    const a = new Authorizer({ policies: POLICIES, entities: ENTITIES, idAnnotation: true });
    const d = a.authorize(req('alice', 'read', ['Secret', 's'], { ip: '1.2.3.4' }));
    expect(d.reasons).toEqual(['no-secrets', 'trusted-ip']);
    expect(d.determining.map((p) => p.id)).toEqual(['no-secrets', 'trusted-ip']);
    expect(a.authorize(req('alice', 'read', ['File', 'a'], {})).errors.map((e) => e.policyId)).toEqual(['trusted-ip']);
  });

  it('failClosed: an erroring forbid denies in `all`, and in `annotated` when marked', () => {
    const text = `permit(principal, action, resource);\n@failClosed forbid(principal, action, resource) when { context.risk > 5 };\nforbid(principal, action, resource) when { context.other };`;
    const r = req('alice', 'read', ['File', 'a'], {});
    expect(new Authorizer({ policies: text }).authorize(r).decision).toBe('allow');
    const annotated = new Authorizer({ policies: text, failClosed: 'annotated' }).authorize(r);
    expect(annotated).toMatchObject({ decision: 'deny', reasons: ['policy1'] });
    expect(annotated.determining[0]?.annotations).toHaveProperty('failClosed', '');
    expect(new Authorizer({ policies: text, failClosed: 'all' }).authorize(r).reasons).toEqual(['policy1', 'policy2']);
  });

  it('takes a compiled PolicySet and an EntityStore as they are', () => {
    const ps = PolicySet.compile(POLICIES);
    const store = EntityStore.from([]);
    const a = new Authorizer({ policies: ps, entities: store });
    expect(a.policySet).toBe(ps);
    expect(a.entities).toBe(store);
    expect(new Authorizer({ policies: POLICIES }).entities.size).toBe(0);
  });

  it('throws typed errors at construction for bad policies or entities', () => {
    expect(() => new Authorizer({ policies: 'permit(principal, action' })).toThrow(PolicyError);
    expect(
      () =>
        new Authorizer({
          policies: POLICIES,
          entities: [{ uid: { type: 'G', id: 'a' }, attrs: {}, parents: [{ type: 'G', id: 'a' }] }],
        }),
    ).toThrow(EntityError);
  });
});

describe('malformed requests', () => {
  const bad: [string, unknown][] = [
    ['no request', undefined],
    ['a null request', null],
    ['an empty request', {}],
    ['a principal given as text', { ...req('alice', 'read', ['File', 'a']), principal: 'User::"alice"' }],
    ['a principal without an id', { ...req('alice', 'read', ['File', 'a']), principal: { type: 'User' } }],
    ['an id that is not a string', { ...req('alice', 'read', ['File', 'a']), resource: { type: 'File', id: 7 } }],
    ['an action that is a number', { ...req('alice', 'read', ['File', 'a']), action: 3 }],
    ['a context that is a list', { ...req('alice', 'read', ['File', 'a']), context: [1, 2] }],
    ['a context with a null', req('alice', 'read', ['File', 'a'], { ip: null })],
    ['a context with a fraction', req('alice', 'read', ['File', 'a'], { n: 1.5 })],
    ['a context with a number beyond i64', req('alice', 'read', ['File', 'a'], { n: 2 ** 64 })],
    [
      'a context with a bad extension value',
      req('alice', 'read', ['File', 'a'], { ip: { __extn: { fn: 'ip', arg: 'nope' } } }),
    ],
    [
      'a context with an unknown extension',
      req('alice', 'read', ['File', 'a'], { x: { __extn: { fn: 'nope', arg: '1' } } }),
    ],
    [
      'a request whose fields throw',
      Object.defineProperty({}, 'principal', {
        get() {
          throw new Error('boom');
        },
      }),
    ],
    [
      'a context that throws when read',
      {
        ...req('alice', 'read', ['File', 'a']),
        context: new Proxy(
          {},
          {
            ownKeys() {
              throw new TypeError('revoked');
            },
          },
        ),
      },
    ],
  ];

  it.each(bad)('%s is a deny with a failure, not an exception', (_, request) => {
    let d: ReturnType<Authorizer['authorize']> | undefined;
    expect(() => {
      d = authz.authorize(request as AuthorizationRequest);
    }).not.toThrow();
    expect(d?.decision).toBe('deny');
    expect(d?.reasons).toEqual([]);
    expect(d?.determining).toEqual([]);
    expect(typeof d?.failure?.message).toBe('string');
    expect(d?.failure?.message.length).toBeGreaterThan(0);
  });

  it('names the offending field in the failure', () => {
    const d = authz.authorize({
      ...req('alice', 'read', ['File', 'a']),
      principal: { type: 'User' },
    } as unknown as AuthorizationRequest);
    expect(d.failure?.message).toMatch(/principal/);
  });
});

describe('withEntities', () => {
  it('shares the compiled policies and decides over the new entities', () => {
    const next = authz.withEntities([
      { uid: { type: 'User', id: 'bob' }, attrs: {}, parents: [{ type: 'Group', id: 'eng' }] },
    ]);
    expect(next).not.toBe(authz);
    expect(next.policySet).toBe(authz.policySet);
    expect(next.authorize(req('bob', 'read', ['File', 'a'])).decision).toBe('allow');
    expect(authz.authorize(req('bob', 'read', ['File', 'a'])).decision).toBe('deny');
    expect(next.authorize(req('alice', 'read', ['File', 'a'])).decision).toBe('deny');
  });

  it('accepts an EntityStore, including one made by with()', () => {
    const store = authz.entities.with([], [new EntityUID('User', 'alice')]);
    const next = authz.withEntities(store);
    expect(next.entities).toBe(store);
    expect(next.authorize(req('alice', 'read', ['File', 'a'])).decision).toBe('deny');
  });

  it('keeps the fail-closed mode', () => {
    const text = 'permit(principal, action, resource);\nforbid(principal, action, resource) when { principal.flag };';
    const strict = new Authorizer({ policies: text, failClosed: 'all' });
    const next = strict.withEntities([{ uid: { type: 'User', id: 'alice' }, attrs: {}, parents: [] }]);
    expect(next.authorize(req('alice', 'read', ['File', 'a'])).decision).toBe('deny');
  });

  it('throws typed errors for bad entities', () => {
    expect(() =>
      authz.withEntities([
        { uid: { type: 'G', id: 'a' }, attrs: {}, parents: [{ type: 'G', id: 'b' }] },
        { uid: { type: 'G', id: 'b' }, attrs: {}, parents: [{ type: 'G', id: 'a' }] },
      ]),
    ).toThrow(EntityError);
  });
});
