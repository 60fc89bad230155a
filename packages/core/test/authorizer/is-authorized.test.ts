/**
 * @module test/authorizer/is-authorized
 * The cedar-wasm drop-in: on a set of calls — successes and failures — the answers are
 * cedar-wasm's (type, decision, reasons, erroring policies, then diagnostic messages), it never
 * throws, and compiled policy sets are cached by content (LRU), failures included.
 */
import { createRequire } from 'node:module';
import type { AuthorizationAnswer, AuthorizationCall, EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearIsAuthorizedCache, isAuthorized } from '../../src/authorizer/is-authorized.js';

const P = { type: 'User', id: 'alice' };
const A = { type: 'Action', id: 'read' };
const R = { type: 'File', id: 'f' };
const ALLOW = 'permit(principal, action, resource);';
const T = 'permit(principal == ?principal, action, resource);';

const ENTITIES: EntityJson[] = [
  { uid: P, attrs: { age: 30, roles: ['admin'] }, parents: [{ type: 'Group', id: 'eng' }], tags: { level: 'high' } },
  { uid: { type: 'Group', id: 'eng' }, attrs: {}, parents: [] },
  { uid: R, attrs: { owner: { __entity: P }, size: 10 }, parents: [{ type: 'Folder', id: 'docs' }] },
  { uid: A, attrs: {}, parents: [{ type: 'Action', id: 'readOnly' }] },
];

const call = (patch: Partial<Record<keyof AuthorizationCall, unknown>> = {}): AuthorizationCall =>
  ({
    principal: P,
    action: A,
    resource: R,
    context: { ip: '10.0.0.1', n: 1 },
    policies: { staticPolicies: ALLOW },
    entities: ENTITIES,
    ...patch,
  }) as AuthorizationCall;

const policies = (staticPolicies: unknown, more: Record<string, unknown> = {}) => ({
  policies: { staticPolicies, ...more },
});

/** The part of an answer that carries Cedar semantics (reason order is not specified by Cedar). */
function shape(a: AuthorizationAnswer): unknown {
  if (a.type === 'failure') return { type: 'failure', hasErrors: a.errors.length > 0 };
  return {
    type: 'success',
    decision: a.response.decision,
    reason: [...a.response.diagnostics.reason].sort(),
    errors: a.response.diagnostics.errors.map((e) => e.policyId).sort(),
  };
}

function cedarAnswer(c: AuthorizationCall): AuthorizationAnswer | 'throws' {
  try {
    return cedar.isAuthorized(c);
  } catch {
    return 'throws';
  }
}

const SUCCESSES: [string, AuthorizationCall][] = [
  ['allow by a permit', call()],
  ['deny by default', call(policies('permit(principal, action, resource) when { false };'))],
  ['forbid overrides', call(policies(`${ALLOW}\nforbid(principal in Group::"eng", action, resource);`))],
  [
    'errors skipped and reported',
    call(
      policies(
        `${ALLOW}\nforbid(principal, action, resource) when { principal.nope };\npermit(principal, action, resource) when { 1 + "a" == 2 };`,
      ),
    ),
  ],
  [
    'hierarchy, attributes and tags',
    call(
      policies(
        'permit(principal in Group::"eng", action in Action::"readOnly", resource in Folder::"docs") when { resource.owner == principal && principal.roles.contains("admin") && principal.getTag("level") == "high" };',
      ),
    ),
  ],
  [
    'policies by id',
    call(policies({ a: ALLOW, b: 'forbid(principal, action, resource) when { context.n > 1 };', c: ALLOW })),
  ],
  ['policies as an array', call(policies([ALLOW]))],
  ['`@id` annotations (ids stay Cedar’s)', call(policies(`@id("mine") ${ALLOW}\n@id("other") ${ALLOW}`))],
  ['EST policies', call(policies({ j: (cedar.policyToJson(ALLOW) as { json: unknown }).json }))],
  [
    'templates and links',
    call({
      policies: { templates: { t: T }, templateLinks: [{ templateId: 't', newId: 'l', values: { '?principal': P } }] },
    }),
  ],
  [
    'a link that does not match',
    call({
      policies: {
        templates: { t: T },
        templateLinks: [{ templateId: 't', newId: 'l', values: { '?principal': { type: 'User', id: 'bob' } } }],
      },
    }),
  ],
  ['an empty policy set', call(policies(''))],
  ['missing entities', call({ entities: [] })],
  ['`__entity` uids', call({ principal: { __entity: P } })],
  [
    'a context with records, sets and extensions',
    call({ context: { r: { a: [1, { __entity: P }] }, ip: { __extn: { fn: 'ip', arg: '10.0.0.1' } } } }),
  ],
  [
    'integers beyond 2^53 in policies',
    call(policies('permit(principal, action, resource) when { 9007199254740993 == 9007199254740992 };')),
  ],
  [
    'overflow at 2^63',
    call(policies('permit(principal, action, resource) when { 9223372036854775807 + context.n > 0 };')),
  ],
  [
    'type errors and a negation overflow',
    call(
      policies({
        lt: 'permit(principal, action, resource) when { "a" < "b" };',
        in: 'permit(principal, action, resource) when { principal in [Group::"eng", 1] };',
        neg: 'permit(principal, action, resource) when { -(-9223372036854775808) == 0 };',
        arity: 'permit(principal, action, resource) when { ip("1.2.3.4", "x") == ip("1.2.3.4") };',
      }),
    ),
  ],
  ['identical duplicate entities', call({ entities: [...ENTITIES, ENTITIES[1]] })],
  [
    'a parent that is not an entity',
    call({
      entities: [{ uid: P, attrs: {}, parents: [{ type: 'Group', id: 'ghost' }] }],
      ...policies('permit(principal in Group::"ghost", action, resource);'),
    }),
  ],
  [
    'prototype-named ids and attributes',
    call({
      principal: { type: 'User', id: '__proto__' },
      context: JSON.parse('{"__proto__": 1}'),
      ...policies(
        'permit(principal, action, resource) when { context has "__proto__" && principal == User::"__proto__" };',
      ),
    }),
  ],
];

const FAILURES: [string, AuthorizationCall][] = [
  ['a parse error', call(policies('permit(principal, action, resource) when { 1 + };'))],
  ['a literal beyond i64', call(policies('permit(principal, action, resource) when { 9223372036854775808 == 0 };'))],
  ['a template in static text', call(policies(`${ALLOW}\n${T}`))],
  ['a template given as a static policy', call(policies({ s: T }))],
  [
    'a link to an unknown template',
    call({
      policies: { templates: { t: T }, templateLinks: [{ templateId: 'x', newId: 'l', values: { '?principal': P } }] },
    }),
  ],
  [
    'a link without its slot value',
    call({ policies: { templates: { t: T }, templateLinks: [{ templateId: 't', newId: 'l', values: {} }] } }),
  ],
  [
    'a link with an extra slot value',
    call({
      policies: {
        templates: { t: T },
        templateLinks: [{ templateId: 't', newId: 'l', values: { '?principal': P, '?resource': R } }],
      },
    }),
  ],
  [
    'a link whose id is taken',
    call({
      policies: {
        staticPolicies: { l: ALLOW },
        templates: { t: T },
        templateLinks: [{ templateId: 't', newId: 'l', values: { '?principal': P } }],
      },
    }),
  ],
  [
    'a bad link value',
    call({
      policies: {
        templates: { t: T },
        templateLinks: [{ templateId: 't', newId: 'l', values: { '?principal': 'User::"a"' } }],
      },
    }),
  ],
  ['differing duplicate entities', call({ entities: [...ENTITIES, { uid: P, attrs: {}, parents: [] }] })],
  ['an entity cycle', call({ entities: [{ uid: P, attrs: {}, parents: [P] }] })],
  ['a null in the context', call({ context: { a: null } })],
  ['a context that is a list', call({ context: [1] })],
  ['a fraction in the context', call({ context: { a: 1.5 } })],
  ['a bad extension value in the context', call({ context: { a: { __extn: { fn: 'ip', arg: 'nope' } } } })],
  ['a principal without an id', call({ principal: { type: 'User' } })],
  ['a principal given as text', call({ principal: 'User::"alice"' })],
  ['a null in entity attributes', call({ entities: [{ uid: P, attrs: { a: null }, parents: [] }] })],
  ['entities that are not a list', call({ entities: {} })],
];

describe('same answers as cedar-wasm', () => {
  beforeEach(() => clearIsAuthorizedCache());

  it.each(SUCCESSES)('%s', (_, c) => {
    const want = cedarAnswer(c);
    expect(want).not.toBe('throws');
    expect((want as AuthorizationAnswer).type).toBe('success');
    expect(shape(isAuthorized(c))).toEqual(shape(want as AuthorizationAnswer));
  });

  it.each(FAILURES)('fails on %s', (_, c) => {
    const want = cedarAnswer(c);
    expect(want === 'throws' || want.type === 'failure').toBe(true);
    const got = isAuthorized(c);
    expect(shape(got)).toEqual({ type: 'failure', hasErrors: true });
    if (got.type === 'failure') {
      for (const e of got.errors) expect(e).toMatchObject({ message: expect.any(String) });
      expect(got.warnings).toEqual([]);
    }
  });

  it('answers cached calls the same (second call, from the cache)', () => {
    for (const [, c] of [...SUCCESSES, ...FAILURES]) expect(shape(isAuthorized(c))).toEqual(shape(isAuthorized(c)));
  });

  it('reports the same diagnostic messages as cedar-wasm', () => {
    const mismatches: string[] = [];
    for (const [name, c] of SUCCESSES) {
      const want = cedarAnswer(c);
      const got = isAuthorized(c);
      if (want === 'throws' || want.type !== 'success' || got.type !== 'success') continue;
      const w = want.response.diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`).sort();
      const g = got.response.diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`).sort();
      if (JSON.stringify(w) !== JSON.stringify(g))
        mismatches.push(`${name}: cedar ${JSON.stringify(w)} mandate ${JSON.stringify(g)}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('reports Cedar’s own message when Cedar rejects the policies', () => {
    const c = call(policies('permit(principal, action, resource) when { 1 + };'));
    const want = cedar.isAuthorized(c);
    const got = isAuthorized(c);
    if (want.type !== 'failure' || got.type !== 'failure') throw new Error('expected failures');
    expect(got.errors.map((e) => e.message)).toEqual(want.errors.map((e) => e.message));
  });
});

describe('request JSON strictness (schemaless input parsing, authorizer/inputs.ts)', () => {
  // cedar-wasm refuses each of these; the drop-in must too.
  const STRICT: [string, AuthorizationCall][] = [
    ['a null context', call({ context: null })],
    ['an entity without `attrs`', call({ entities: [{ uid: P, parents: [] }] })],
    ['an entity without `parents`', call({ entities: [{ uid: P, attrs: {} }] })],
    ['an entity type that is not a Cedar name', call({ principal: { type: 'Us er', id: 'a' } })],
    ['an empty entity type', call({ principal: { type: '', id: 'a' } })],
    ['the retired `__expr` escape', call({ entities: [{ uid: P, attrs: { a: { __expr: 'x' } }, parents: [] }] })],
  ];

  it.each(STRICT)('fails on %s', (_, c) => {
    const want = cedarAnswer(c);
    expect(want === 'throws' || want.type === 'failure').toBe(true);
    expect(isAuthorized(c).type).toBe('failure');
  });
});

describe('never throws', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['an empty object', {}],
    ['no policies', { principal: P, action: A, resource: R, context: {}, entities: [] }],
    [
      'a call whose fields throw',
      Object.defineProperty({}, 'policies', {
        get: () => {
          throw new Error('boom');
        },
      }),
    ],
  ])('on %s: returns a failure', (_, c) => {
    let got: AuthorizationAnswer | undefined;
    expect(() => {
      got = isAuthorized(c as unknown as AuthorizationCall);
    }).not.toThrow();
    expect(got?.type).toBe('failure');
  });
});

describe('policy cache', () => {
  const wasm = createRequire(import.meta.url)('@cedar-policy/cedar-wasm/nodejs') as typeof cedar;
  let parses: ReturnType<typeof vi.spyOn>;

  beforeEach(() => {
    clearIsAuthorizedCache();
    parses = vi.spyOn(wasm, 'checkParsePolicySet');
  });
  afterEach(() => {
    parses.mockRestore();
  });

  it('parses a policy set once across calls with other requests, contexts and entities', () => {
    const text = 'permit(principal, action, resource) when { context.n == 1 };';
    const a = isAuthorized(call(policies(text)));
    const b = isAuthorized(call({ ...policies(text), context: { n: 2 } }));
    const c = isAuthorized(call({ ...policies(text), entities: [], principal: { type: 'User', id: 'bob' } }));
    expect(parses).toHaveBeenCalledTimes(1);
    expect([a, b, c].map((x) => x.type === 'success' && x.response.decision)).toEqual(['allow', 'deny', 'allow']);
  });

  it('keys by content: equal sets hit, different sets miss', () => {
    isAuthorized(call(policies({ a: ALLOW })));
    isAuthorized(call(policies({ a: ALLOW })));
    expect(parses).toHaveBeenCalledTimes(1);
    isAuthorized(call(policies({ b: ALLOW })));
    isAuthorized(call(policies(ALLOW)));
    isAuthorized(call(policies([ALLOW])));
    expect(parses).toHaveBeenCalledTimes(4);
  });

  it('caches failures too, answering them the same way', () => {
    const bad = call(policies('permit(principal, action'));
    const first = isAuthorized(bad);
    const second = isAuthorized(bad);
    expect(parses).toHaveBeenCalledTimes(1);
    expect(second).toEqual(first);
    expect(first.type).toBe('failure');
  });

  it('starts over after clearIsAuthorizedCache()', () => {
    isAuthorized(call());
    clearIsAuthorizedCache();
    isAuthorized(call());
    expect(parses).toHaveBeenCalledTimes(2);
  });

  it('evicts the least recently used set beyond 64', () => {
    const set = (i: number) => call(policies(`permit(principal, action, resource) when { context.n == ${i} };`));
    for (let i = 0; i < 64; i++) isAuthorized(set(i));
    expect(parses).toHaveBeenCalledTimes(64);
    isAuthorized(set(0)); // a hit, and now the most recently used
    isAuthorized(set(64)); // evicts set 1, the least recently used
    expect(parses).toHaveBeenCalledTimes(65);
    isAuthorized(set(0));
    expect(parses).toHaveBeenCalledTimes(65);
    isAuthorized(set(1));
    expect(parses).toHaveBeenCalledTimes(66);
  });
});
