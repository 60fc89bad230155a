/**
 * @module explain/explain.property.test
 * `explain` against `authorize` on random policy sets, entities and requests (the
 * differential generators): the explanation's decision, reasons, errors, determining policies
 * and failure must be exactly the decision's, and every policy's explained outcome must agree
 * with them. An explanation that disagreed with the decision would be a security defect.
 * Also: the Cedar text shown for each clause parses back to the same expression.
 *
 *   MANDATE_EXPLAIN_RUNS=20000 npx vitest run --project core packages/core/test/explain
 */
import type { AuthorizationCall } from '@cedar-policy/cedar-wasm/nodejs';
import { Authorizer, type Explanation, type ExprExplanation, explain, PolicySet } from '@mandate/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { printExpr } from '../../src/explain/print.js';
import type { Node } from '../../src/ir/nodes.js';
import { valueKey } from '../../src/values/value.js';
import { callArbitrary } from '../differential/arbitraries.js';

const RUNS = Number(process.env.MANDATE_EXPLAIN_RUNS ?? 1500);
const FAIL_CLOSED = ['off', 'annotated', 'all'] as const;

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
    return undefined; // sets, schemas or entities that do not load are the differential test's business
  }
}

function nodes(e: ExprExplanation): ExprExplanation[] {
  return [e, ...e.children.flatMap(nodes)];
}

/** The explanation agrees with itself: policy outcomes with reasons and errors, nodes with their outcomes. */
function checkCoherent(x: Explanation): void {
  const reasons = new Set(x.reasons);
  const errors = new Set(x.errors.map((e) => e.policyId));
  for (const p of x.policies) {
    expect(p.determining, p.id).toBe(reasons.has(p.id));
    expect(p.outcome === 'error', p.id).toBe(errors.has(p.id));
    if (x.failure) expect(p.outcome).toBe('skipped');
    if (p.outcome === 'satisfied' && x.decision === 'allow') expect(p.effect).toBe('permit');
    if (p.outcome === 'satisfied' && (x.decision === 'allow' || p.effect === 'forbid'))
      expect(p.determining).toBe(true);
    if (p.outcome === 'not-applicable') expect(p.conditions.every((c) => c.outcome === 'skipped')).toBe(true);
    if (p.outcome === 'satisfied') expect(p.conditions.every((c) => c.outcome === 'satisfied')).toBe(true);
    if (p.outcome === 'unsatisfied') expect(p.conditions.some((c) => c.outcome === 'unsatisfied')).toBe(true);
    if (p.outcome === 'error') expect(p.conditions.some((c) => c.outcome === 'error')).toBe(true);
    for (const c of p.conditions) {
      for (const n of nodes(c.expression)) {
        if (n.outcome === 'skipped') expect(n.value === undefined && n.error === undefined).toBe(true);
        if (n.outcome === 'true' || n.outcome === 'false') expect(n.value).toBe(n.outcome);
        if (n.outcome === 'error') expect(typeof n.error).toBe('string');
      }
      if (c.outcome === 'error' && c.expression.outcome === 'error') expect(c.error).toBe(c.expression.error);
    }
  }
}

describe('explain agrees with authorize', () => {
  test(`on ${RUNS} random calls, in every fail-closed mode`, { timeout: 120_000 + RUNS * 40 }, () => {
    let decided = 0;
    let errored = 0;
    fc.assert(
      fc.property(callArbitrary(), fc.constantFrom(...FAIL_CLOSED), (call, failClosed) => {
        const authz = authorizerFor(call, failClosed);
        if (authz === undefined) return;
        const request = {
          principal: call.principal,
          action: call.action,
          resource: call.resource,
          context: call.context,
        };
        const d = authz.authorize(request);
        const x = explain(authz, request);
        expect(x.decision).toBe(d.decision);
        expect(x.reasons).toEqual(d.reasons);
        expect(x.errors).toEqual(d.errors);
        expect(x.determining).toEqual(d.determining);
        expect(x.failure).toEqual(d.failure);
        expect(x.policies.map((p) => p.id)).toEqual(authz.policySet.policies.map((p) => p.id));
        checkCoherent(x);
        if (!d.failure) decided++;
        if (d.errors.length > 0) errored++;
      }),
      { numRuns: RUNS },
    );
    // Guards the generators: the property must have seen real decisions and erroring policies.
    expect(decided).toBeGreaterThan(RUNS / 4);
    expect(errored).toBeGreaterThan(RUNS / 50);
  });
});

/** Structural equality of IR expressions (literals by Cedar equality of their canonical keys). */
function sameNode(a: Node, b: Node): boolean {
  if (a.k !== b.k) return false;
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  if (a.k === 'lit') return valueKey(a.v) === valueKey((b as typeof a).v);
  for (const key of Object.keys(x)) {
    const u = x[key];
    const v = y[key];
    if (key === 'k') continue;
    if (Array.isArray(u)) {
      if (!Array.isArray(v) || u.length !== v.length) return false;
      for (let i = 0; i < u.length; i++) {
        const [p, q] = [u[i], v[i]];
        if (Array.isArray(p)) {
          // record entries: [name, node]
          if (!Array.isArray(q) || p[0] !== q[0] || !sameNode(p[1], q[1])) return false;
        } else if (typeof p === 'string') {
          if (p !== q) return false; // like-pattern segments
        } else if (!sameNode(p as Node, q as Node)) return false;
      }
    } else if (u !== null && typeof u === 'object' && 'k' in u) {
      if (!sameNode(u as Node, v as Node)) return false;
    } else if (u !== null && typeof u === 'object') {
      if (JSON.stringify(u) !== JSON.stringify(v)) return false; // like patterns
    } else if (u !== v) return false;
  }
  return true;
}

describe('the Cedar text of a clause', () => {
  test('parses back to the same expression', { timeout: 120_000 }, () => {
    let checked = 0;
    fc.assert(
      fc.property(callArbitrary({ mutations: false }), (call) => {
        let set: PolicySet;
        try {
          set = PolicySet.compile(call.policies, { strictCedarWasm: true });
        } catch {
          return;
        }
        for (const p of set.policies) {
          for (const c of p.conditions) {
            const text = printExpr(c.body);
            const again = PolicySet.compile(`permit(principal, action, resource) when { ${text} };`);
            const body = again.policies[0]?.conditions[0]?.body as Node;
            if (!sameNode(c.body, body)) {
              throw new Error(`\`${text}\` reads back as \`${printExpr(body)}\``);
            }
            checked++;
          }
        }
      }),
      { numRuns: Math.max(100, Math.floor(RUNS / 5)) },
    );
    expect(checked).toBeGreaterThan(50);
  });
});
