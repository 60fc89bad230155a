/**
 * @module authorizer/batch.test
 * `authorizeBatch` must answer exactly what `authorize` answers one request at a time —
 * decision, reasons, errors, determining policies and failure message — on random policy
 * sets, entities and requests (the differential generators, malformed inputs included), with
 * contexts shared between requests (what the batch shares) and not.
 */
import type { AuthorizationCall } from '@cedar-policy/cedar-wasm/nodejs';
import { type AuthorizationRequest, Authorizer, authorizeBatch, PolicySet } from '@mandate/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ACTION_IDS, callArbitrary } from '../differential/arbitraries.js';

const RUNS = Number(process.env.MANDATE_BATCH_RUNS ?? 300);

function authorizerFor(call: AuthorizationCall): Authorizer | undefined {
  try {
    return new Authorizer({
      policies: PolicySet.compile(call.policies, { strictCedarWasm: true }),
      schema: call.schema,
      entities: call.entities,
      validateRequests: call.validateRequest ?? true,
      validatePolicies: false,
    });
  } catch {
    return undefined;
  }
}

/** The call's request, then the same context object under every action, then the principal and resource swapped. */
function requestsOf(call: AuthorizationCall): AuthorizationRequest[] {
  const context = call.context as Record<string, unknown>;
  const base = { principal: call.principal, action: call.action, resource: call.resource, context };
  const out: AuthorizationRequest[] = [base];
  for (const id of ACTION_IDS) out.push({ ...base, action: { type: 'Action', id } });
  out.push({ ...base, principal: call.resource, resource: call.principal });
  out.push({ ...base, context: { ...context } }); // an equal but distinct object: not shared
  out.push(base); // the very same request again
  return out;
}

describe('authorizeBatch', () => {
  test('equals authorize one by one (random calls, shared contexts)', { timeout: 120_000 }, () => {
    let compared = 0;
    fc.assert(
      fc.property(callArbitrary(), (call) => {
        const authz = authorizerFor(call);
        if (authz === undefined) return;
        const requests = requestsOf(call);
        const single = requests.map((r) => authz.authorize(r));
        const batch = authorizeBatch(authz, requests);
        expect(batch).toEqual(single);
        compared += requests.length;
      }),
      { numRuns: RUNS },
    );
    expect(compared).toBeGreaterThan(RUNS); // most calls load: the property was not vacuous
  });

  test('shares one parse of a context among requests with a schema', () => {
    const authz = new Authorizer({
      schema: `entity User; entity Doc;
        action view, edit appliesTo { principal: User, resource: Doc, context: { n: Long } };`,
      policies: `permit(principal, action == Action::"view", resource) when { context.n > 1 };
                 forbid(principal, action, resource) when { context.n > 5 };`,
    });
    const context = { n: 3 };
    const p = { type: 'User', id: 'a' };
    const r = { type: 'Doc', id: 'd' };
    const requests: AuthorizationRequest[] = [
      { principal: p, action: { type: 'Action', id: 'view' }, resource: r, context },
      { principal: p, action: { type: 'Action', id: 'edit' }, resource: r, context },
      { principal: p, action: { type: 'Action', id: 'nope' }, resource: r, context },
      { principal: p, action: { type: 'Action', id: 'view' }, resource: r, context: { n: 'x' } },
      { principal: p, action: { type: 'Action', id: 'view' }, resource: r, context: { n: 9 } },
    ];
    const batch = authorizeBatch(authz, requests);
    expect(batch).toEqual(requests.map((q) => authz.authorize(q)));
    expect(batch.map((d) => d.decision)).toEqual(['allow', 'deny', 'deny', 'deny', 'deny']);
    expect(batch[2]?.failure?.message).toContain('nope');
  });

  test('an empty batch is empty', () => {
    expect(authorizeBatch(new Authorizer({ policies: '' }), [])).toEqual([]);
  });
});
