/**
 * @module test/compile/cedar-oracle
 * The oracle for the compiler's unit tests: a Cedar boolean expression is judged by cedar-wasm
 * (as the `when` body of `permit(principal, action, resource)`) and by Mandate's compiled
 * condition, over the same request and entities, and the outcomes — true, false, or an error
 * with its message — can be compared.
 *
 * Request and entity JSON are converted to values here (a small, schemaless converter) so
 * that these tests do not depend on the authorizer's input layer.
 */

import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { EvalEnv } from '../../src/compile/env.js';
import { PolicySet } from '../../src/compile/policy-set.js';
import { EntityStore } from '../../src/entities/store.js';
import { constructExtensionValue } from '../../src/extensions/index.js';
import { EvaluationError } from '../../src/values/errors.js';
import { CedarRecord, CedarSet, EntityUID, type Value } from '../../src/values/value.js';

export type Outcome = { readonly result: 'true' | 'false' } | { readonly result: 'error'; readonly message: string };

export interface TypeAndId {
  readonly type: string;
  readonly id: string;
}

export interface Fixture {
  readonly principal: TypeAndId;
  readonly action: TypeAndId;
  readonly resource: TypeAndId;
  readonly context: Record<string, unknown>;
  readonly entities: EntityJson[];
}

/** A request with a small hierarchy, attributes and tags to evaluate expressions against. */
export const FIXTURE: Fixture = {
  principal: { type: 'User', id: 'alice' },
  action: { type: 'Action', id: 'read' },
  resource: { type: 'File', id: 'f' },
  context: { n: 1, s: 'x', flag: true, list: [1, 2], rec: { a: { b: 1 } } },
  entities: [
    {
      uid: { type: 'User', id: 'alice' },
      attrs: { age: 5, name: 'Alice', roles: ['admin', 'dev'], profile: { team: { name: 'core' } } },
      parents: [{ type: 'Group', id: 'g' }],
      tags: { t: 'v', n: 7 },
    },
    { uid: { type: 'Group', id: 'g' }, attrs: {}, parents: [{ type: 'Group', id: 'all' }] },
    { uid: { type: 'Group', id: 'all' }, attrs: {}, parents: [] },
    { uid: { type: 'File', id: 'f' }, attrs: { owner: { __entity: { type: 'User', id: 'alice' } } }, parents: [] },
    { uid: { type: 'Action', id: 'read' }, attrs: {}, parents: [{ type: 'Action', id: 'readOnly' }] },
    { uid: { type: 'Action', id: 'readOnly' }, attrs: {}, parents: [] },
  ],
};

export const policyFor = (expr: string): string => `permit(principal, action, resource) when { ${expr} };`;

/** Outcomes of many expressions, judged by cedar-wasm in one call. */
export function cedarOutcomes(exprs: readonly string[], fx: Fixture = FIXTURE): Outcome[] {
  const staticPolicies: Record<string, string> = Object.create(null);
  exprs.forEach((e, i) => {
    staticPolicies[`p${i}`] = policyFor(e);
  });
  const answer = cedar.isAuthorized({
    principal: fx.principal,
    action: fx.action,
    resource: fx.resource,
    context: fx.context as never,
    policies: { staticPolicies },
    entities: fx.entities,
  });
  if (answer.type !== 'success') {
    throw new Error(`cedar-wasm rejected the call: ${answer.errors.map((e) => e.message).join('; ')}`);
  }
  const allowed = new Set(answer.response.diagnostics.reason);
  const errors = new Map(answer.response.diagnostics.errors.map((e) => [e.policyId, e.error.message]));
  return exprs.map((_, i): Outcome => {
    const err = errors.get(`p${i}`);
    if (err !== undefined) return { result: 'error', message: err };
    return { result: allowed.has(`p${i}`) ? 'true' : 'false' };
  });
}

/** A Cedar JSON value (schemaless) as a Mandate value. */
export function jsonValue(x: unknown): Value {
  switch (typeof x) {
    case 'boolean':
    case 'string':
      return x;
    case 'bigint':
      return x;
    case 'number':
      if (!Number.isSafeInteger(x)) throw new Error(`not an integer: ${x}`);
      return BigInt(x);
  }
  if (Array.isArray(x)) return CedarSet.of(x.map(jsonValue));
  if (x !== null && typeof x === 'object') {
    const keys = Object.keys(x);
    if (keys.length === 1 && keys[0] === '__entity') {
      const e = (x as { __entity: TypeAndId }).__entity;
      return new EntityUID(e.type, e.id);
    }
    if (keys.length === 1 && keys[0] === '__extn') {
      const e = (x as { __extn: { fn: string; arg: string } }).__extn;
      return constructExtensionValue(e.fn, e.arg);
    }
    return new CedarRecord(new Map(keys.map((k) => [k, jsonValue((x as Record<string, unknown>)[k])] as const)));
  }
  throw new Error(`unsupported JSON value ${String(x)}`);
}

export const uid = (x: TypeAndId): EntityUID => new EntityUID(x.type, x.id);

export function storeOf(entities: readonly EntityJson[]): EntityStore {
  return EntityStore.from(
    entities.map((e) => {
      const u = e.uid as TypeAndId | { __entity: TypeAndId };
      const t = '__entity' in u ? u.__entity : u;
      return {
        uid: uid(t),
        attrs: (jsonValue(e.attrs) as CedarRecord).map,
        parents: e.parents.map((p) => uid('__entity' in p ? p.__entity : p)),
        tags: (jsonValue(e.tags ?? {}) as CedarRecord).map,
      };
    }),
  );
}

export function envOf(fx: Fixture = FIXTURE): EvalEnv {
  return {
    principal: uid(fx.principal),
    action: uid(fx.action),
    resource: uid(fx.resource),
    context: jsonValue(fx.context) as CedarRecord,
    entities: storeOf(fx.entities),
  };
}

/** Outcomes of the same expressions, compiled by Mandate and evaluated one policy at a time. */
export function mandateOutcomes(exprs: readonly string[], fx: Fixture = FIXTURE): Outcome[] {
  const env = envOf(fx);
  return exprs.map((e): Outcome => {
    const ps = PolicySet.compile(policyFor(e));
    const p = ps.policies[0];
    if (p === undefined) throw new Error('no policy compiled');
    try {
      return { result: p.matchesScope(env) && p.satisfiesConditions(env) ? 'true' : 'false' };
    } catch (err) {
      if (err instanceof EvaluationError) return { result: 'error', message: err.message };
      throw err;
    }
  });
}

/** Outcome kind only (`true`, `false` or `error`), for semantic comparisons that ignore wording. */
export const kindOf = (o: Outcome): string => o.result;
