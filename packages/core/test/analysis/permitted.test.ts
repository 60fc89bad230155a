/**
 * @module analysis/permitted.test
 * `listPermittedActions` against brute force. On random policy sets, entities and requests
 * (the differential generators, with and without a schema, every fail-closed mode), every
 * action of the vocabulary is decided by `authorize` under a pool of contexts:
 *
 * - with a context, the list is exactly the candidate actions `authorize` allows, and no
 *   action outside the candidates is allowed;
 * - without one, it is sound: an action some pooled context allows is listed; an action
 *   listed `allow` is allowed under every pooled context the authorizer accepts.
 *
 * Plus hand-written cases for each rule of the context-free analysis and for chains.
 */
import type { AuthorizationCall } from '@cedar-policy/cedar-wasm/nodejs';
import {
  Authorizer,
  listPermittedActions,
  PermittedActionsError,
  type PermittedActionsQuery,
  PolicySet,
} from '@mandate/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ACTION_IDS, callArbitrary, schemaCallArb } from '../differential/arbitraries.js';

const RUNS = Number(process.env.MANDATE_PERMITTED_RUNS ?? 800);
const FAIL_CLOSED = ['off', 'annotated', 'all'] as const;
const ACTIONS = ACTION_IDS.map((id) => ({ type: 'Action', id }));

/** Contexts drawn from the same vocabulary the policies read (fixed seed: the same pool every run). */
const POOL: readonly Record<string, unknown>[] = [
  ...fc.sample(
    callArbitrary({ schema: false, mutations: false }).map((c) => c.context as Record<string, unknown>),
    { numRuns: 40, seed: 7 },
  ),
  ...fc.sample(
    schemaCallArb.map((c) => c.context as Record<string, unknown>),
    { numRuns: 40, seed: 11 },
  ),
  {},
];

function authorizerFor(call: AuthorizationCall, failClosed: (typeof FAIL_CLOSED)[number]): Authorizer | undefined {
  try {
    return new Authorizer({
      policies: PolicySet.compile(call.policies, { strictCedarWasm: true }),
      schema: call.schema,
      entities: call.entities,
      validateRequests: call.validateRequest ?? true,
      validatePolicies: false,
      failClosed,
    });
  } catch {
    return undefined;
  }
}

const keyOf = (a: { type: string; id: string }) => `${a.type}::${JSON.stringify(a.id)}`;

describe('listPermittedActions against brute force', () => {
  test('exact for a context, sound for any context', { timeout: 300_000 }, () => {
    const tally = { cases: 0, allow: 0, conditional: 0, omitted: 0, allowedByBrute: 0 };
    fc.assert(
      fc.property(callArbitrary({ mutations: false }), fc.constantFrom(...FAIL_CLOSED), (call, failClosed) => {
        const authz = authorizerFor(call, failClosed);
        if (authz === undefined) return;
        const query: PermittedActionsQuery = {
          principal: call.principal,
          resource: call.resource,
          validateRequests: call.validateRequest ?? true,
          ...(call.schema === undefined ? { actions: ACTIONS } : {}),
        };
        let any: ReturnType<typeof listPermittedActions>;
        try {
          any = listPermittedActions(authz, query);
        } catch (e) {
          // A malformed principal or resource uid is refused, as authorize refuses it.
          expect(
            authz.authorize({ principal: call.principal, action: ACTIONS[0] as never, resource: call.resource })
              .failure,
          ).toBeDefined();
          expect(e).not.toBeInstanceOf(PermittedActionsError);
          return;
        }
        tally.cases++;
        const listed = new Map(any.actions.map((a) => [a.action.key, a.status]));

        // With the call's own context: exactly what authorize allows among the candidates.
        const exact = listPermittedActions(authz, { ...query, context: call.context as Record<string, unknown> });
        expect(exact.exactFor).toBe('context');
        const exactKeys = new Set(exact.actions.map((a) => a.action.key));

        for (const action of ACTIONS) {
          const key = keyOf(action);
          const here = authz.authorize({
            principal: call.principal,
            action,
            resource: call.resource,
            context: call.context as Record<string, unknown>,
          });
          expect(exactKeys.has(key), `context mode, ${key}`).toBe(here.decision === 'allow');
          let allowedSomewhere = here.decision === 'allow';
          let deniedSomewhere = here.decision === 'deny' && here.failure === undefined;
          for (const context of POOL) {
            const d = authz.authorize({ principal: call.principal, action, resource: call.resource, context });
            if (d.decision === 'allow') allowedSomewhere = true;
            else if (d.failure === undefined) deniedSomewhere = true;
          }
          if (allowedSomewhere) {
            tally.allowedByBrute++;
            expect(listed.has(key), `any-context mode omits ${key}, which some context allows`).toBe(true);
          }
          if (listed.get(key) === 'allow')
            expect(deniedSomewhere, `any-context mode says ${key} is allowed for every context`).toBe(false);
          const s = listed.get(key);
          if (s === 'allow') tally.allow++;
          else if (s === 'conditional') tally.conditional++;
          else tally.omitted++;
        }
      }),
      { numRuns: RUNS },
    );
    console.log(`listPermittedActions vs brute force: ${JSON.stringify(tally)}`);
    // Not vacuous: every outcome occurred.
    expect(tally.allow).toBeGreaterThan(0);
    expect(tally.conditional).toBeGreaterThan(0);
    expect(tally.omitted).toBeGreaterThan(0);
    expect(tally.allowedByBrute).toBeGreaterThan(0);
  });
});

describe('listPermittedActions, rule by rule', () => {
  const schema = `entity User in [Group]; entity Group; entity Agent; entity Tool;
    action call, read, write, admin appliesTo { principal: [User, Agent], resource: Tool, context: { risk: Long } };
    action other appliesTo { principal: User, resource: User, context: {} };`;
  const entities = [
    { uid: { type: 'User', id: 'alice' }, attrs: {}, parents: [{ type: 'Group', id: 'staff' }] },
    { uid: { type: 'Agent', id: 'bot' }, attrs: {}, parents: [] },
    { uid: { type: 'Tool', id: 't' }, attrs: {}, parents: [] },
  ];
  const authz = new Authorizer({
    schema,
    entities,
    policies: `
      permit(principal in Group::"staff", action == Action::"call", resource);             // context-free: allow
      permit(principal, action == Action::"read", resource) when { context.risk < 5 };    // conditional
      permit(principal, action == Action::"write", resource);
      forbid(principal, action == Action::"write", resource) when { context.risk > 50 };  // allow, then conditional
      permit(principal, action == Action::"admin", resource);
      forbid(principal is User, action == Action::"admin", resource);                     // never, for users
      permit(principal == Agent::"bot", action, resource);`,
  });
  const alice = { type: 'User', id: 'alice' };
  const bot = { type: 'Agent', id: 'bot' };
  const tool = { type: 'Tool', id: 't' };
  const summary = (q: PermittedActionsQuery) =>
    Object.fromEntries(listPermittedActions(authz, q).actions.map((a) => [a.action.id, a.status]));

  test('any context: allow, conditional, omitted; candidates from the schema', () => {
    const r = listPermittedActions(authz, { principal: alice, resource: tool });
    expect(r.exactFor).toBe('any-context');
    expect(r.considered).toBe(4); // `other` does not apply to (User, Tool)
    expect(summary({ principal: alice, resource: tool })).toEqual({
      call: 'allow',
      read: 'conditional',
      write: 'conditional',
    });
    expect(summary({ principal: bot, resource: tool })).toEqual({
      call: 'allow',
      read: 'allow',
      write: 'conditional',
      admin: 'allow',
    });
  });

  test('a context: exactly what authorize allows, with reasons', () => {
    const low = listPermittedActions(authz, { principal: alice, resource: tool, context: { risk: 1 } });
    expect(low.exactFor).toBe('context');
    expect(low.actions.map((a) => a.action.id)).toEqual(['call', 'read', 'write']);
    expect(low.actions[0]?.reasons).toEqual([['policy0']]);
    const high = listPermittedActions(authz, { principal: alice, resource: tool, context: { risk: 90 } });
    expect(high.actions.map((a) => a.action.id)).toEqual(['call']);
    // A context the schema refuses allows nothing.
    expect(listPermittedActions(authz, { principal: alice, resource: tool, context: { risk: 'x' } }).actions).toEqual(
      [],
    );
  });

  test('a chain: listed only if every principal is permitted', () => {
    expect(summary({ principal: [alice, bot], resource: tool })).toEqual({
      call: 'allow',
      read: 'conditional',
      write: 'conditional',
    });
    const r = listPermittedActions(authz, { principal: [alice, bot], resource: tool, context: { risk: 9 } });
    expect(r.actions.map((a) => [a.action.id, a.reasons])).toEqual([
      ['call', [['policy0'], ['policy6']]],
      ['write', [['policy2'], ['policy2', 'policy6']]],
    ]);
  });

  test('given actions: undeclared ones and requests the schema rejects are never permitted', () => {
    const actions = [
      { type: 'Action', id: 'call' },
      { type: 'Action', id: 'undeclared' },
      { type: 'Action', id: 'other' },
    ];
    expect(summary({ principal: bot, resource: tool, actions })).toEqual({ call: 'allow' });
    // Without request validation the authorizer decides `other` for (Agent, Tool) by the policies.
    const loose = new Authorizer({ schema, entities, policies: authz.policySet, validateRequests: false });
    const r = listPermittedActions(loose, { principal: bot, resource: tool, actions, validateRequests: false });
    expect(r.actions.map((a) => a.action.id)).toEqual(['call', 'other']);
    expect(loose.authorize({ principal: bot, action: actions[2] as never, resource: tool, context: {} }).decision).toBe(
      'allow',
    );
  });

  test('fail-closed: an erroring context-free forbid denies whatever the context', () => {
    const policies = `permit(principal, action, resource);
      @failClosed("") forbid(principal, action, resource) when { principal.missing };`;
    const actions = [{ type: 'Action', id: 'a' }];
    const open = new Authorizer({ policies });
    const closed = new Authorizer({ policies, failClosed: 'annotated' });
    expect(listPermittedActions(open, { principal: alice, resource: tool, actions }).actions).toHaveLength(1);
    expect(listPermittedActions(closed, { principal: alice, resource: tool, actions }).actions).toHaveLength(0);
  });

  test('without a schema the candidate actions are required', () => {
    const e = (() => {
      try {
        listPermittedActions(new Authorizer({ policies: '' }), { principal: alice, resource: tool });
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(PermittedActionsError);
    expect((e as PermittedActionsError).kind).toBe('no-actions');
  });
});
