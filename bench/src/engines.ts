/**
 * @module bench/engines
 * The engines under test, over one workload, with every per-request input built before any
 * timing: Mandate's `Authorizer.authorize` (JSON request, as an agent framework sends it, and
 * with ready-made `EntityUID`/`CedarRecord` inputs), cedar-wasm's `statefulIsAuthorized` with a
 * preparsed policy set and the request's minimal entity slice, and the two stateless
 * `isAuthorized` functions on identical calls.
 *
 * {@link checkAgreement} runs every request through both engines of a pair and throws when a
 * decision, the determining policies or the erroring policies differ.
 */
import { createRequire } from 'node:module';
import type {
  AuthorizationAnswer,
  AuthorizationCall,
  StatefulAuthorizationCall,
} from '@cedar-policy/cedar-wasm/nodejs';
import {
  type AuthorizationRequest,
  Authorizer,
  CedarRecord,
  CedarSet,
  type Decision,
  EntityStore,
  EntityUID,
  isAuthorized as mandateIsAuthorized,
  type PolicySet,
  type Value,
} from '@mandate/core';
import type { EntityJson, RequestSpec, Uid } from './workload.js';

export type CedarWasm = typeof import('@cedar-policy/cedar-wasm/nodejs');

let wasm: CedarWasm | undefined;
/** cedar-wasm's Node build, loaded once. */
export function cedarWasm(): CedarWasm {
  if (wasm === undefined) wasm = createRequire(import.meta.url)('@cedar-policy/cedar-wasm/nodejs') as CedarWasm;
  return wasm;
}

/** A decision reduced to what both engines report. */
export interface Verdict {
  readonly decision: 'allow' | 'deny' | 'failure';
  readonly reasons: string;
  readonly errors: string;
  readonly detail?: string;
}

const joinSorted = (xs: readonly string[]) => [...xs].sort().join(',');

export function verdictOfMandate(d: Decision): Verdict {
  if (d.failure) return { decision: 'failure', reasons: '', errors: '', detail: d.failure.message };
  return { decision: d.decision, reasons: joinSorted(d.reasons), errors: joinSorted(d.errors.map((e) => e.policyId)) };
}

export function verdictOfAnswer(a: AuthorizationAnswer): Verdict {
  if (a.type !== 'success') {
    return { decision: 'failure', reasons: '', errors: '', detail: a.errors.map((e) => e.message).join('; ') };
  }
  return {
    decision: a.response.decision,
    reasons: joinSorted(a.response.diagnostics.reason),
    errors: joinSorted(a.response.diagnostics.errors.map((e) => e.policyId)),
  };
}

export class AgreementError extends Error {
  override readonly name = 'AgreementError';
}

/**
 * Run every request through both engines; throw {@link AgreementError} listing the first
 * mismatches when any decision, reason set or error set differs, or when either fails.
 */
export function checkAgreement(
  what: string,
  count: number,
  a: { name: string; verdict: (i: number) => Verdict },
  b: { name: string; verdict: (i: number) => Verdict },
): { allow: number; errors: number } {
  const bad: string[] = [];
  let allow = 0;
  let errors = 0;
  for (let i = 0; i < count; i++) {
    const x = a.verdict(i);
    const y = b.verdict(i);
    if (x.decision === 'failure' || y.decision === 'failure') {
      bad.push(`request ${i}: ${a.name} ${x.decision} ${x.detail ?? ''} / ${b.name} ${y.decision} ${y.detail ?? ''}`);
    } else if (x.decision !== y.decision || x.reasons !== y.reasons || x.errors !== y.errors) {
      bad.push(
        `request ${i}: ${a.name} ${x.decision} [${x.reasons}] errors [${x.errors}] / ${b.name} ${y.decision} [${y.reasons}] errors [${y.errors}]`,
      );
    }
    if (x.decision === 'allow') allow++;
    if (x.errors !== '') errors++;
    if (bad.length >= 5) break;
  }
  if (bad.length > 0) {
    throw new AgreementError(`${what}: ${a.name} and ${b.name} disagree:\n  ${bad.join('\n  ')}`);
  }
  return { allow, errors };
}

// ---- JSON → Mandate values (for the "prebuilt inputs" variant and EntityStore inputs) ----

export function toEntityUid(u: Uid): EntityUID {
  return new EntityUID(u.type, u.id);
}

export function toValue(x: unknown): Value {
  switch (typeof x) {
    case 'boolean':
    case 'string':
      return x;
    case 'number':
      return BigInt(x);
  }
  if (Array.isArray(x)) return CedarSet.of(x.map(toValue));
  if (x !== null && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '__entity') return toEntityUid(o.__entity as Uid);
    return new CedarRecord(new Map(keys.map((k) => [k, toValue(o[k])] as const)));
  }
  throw new Error(`bench: unsupported JSON value ${String(x)}`);
}

export function toEntityInput(e: EntityJson) {
  return {
    uid: toEntityUid(e.uid),
    attrs: (toValue(e.attrs) as CedarRecord).map,
    parents: e.parents.map(toEntityUid),
  };
}

// ---- Per-workload engines ----

let nextPolicySetId = 0;

export interface PreparedRequests {
  /** Mandate main API, JSON request as an agent framework sends it. */
  readonly mandate: readonly AuthorizationRequest[];
  /** Mandate main API with `EntityUID`s and a `CedarRecord` context built ahead. */
  readonly mandatePrebuilt: readonly AuthorizationRequest[];
  /** cedar-wasm stateful calls: preparsed policy set, the request's minimal entity slice. */
  readonly cedarStateful: readonly StatefulAuthorizationCall[];
}

const isAction = (e: EntityJson) => e.uid.type.endsWith('::Action');

/**
 * Per-request inputs for both engines. With `schemaName` (a schema preparsed in cedar-wasm),
 * cedar-wasm validates each request against it and the slices leave out the action entities,
 * which both engines then take from the schema.
 */
export function prepareRequests(
  requests: readonly RequestSpec[],
  preparsedPolicySetId: string,
  schemaName?: string,
): PreparedRequests {
  return {
    mandate: requests.map((q) => ({
      principal: q.principal,
      action: q.action,
      resource: q.resource,
      context: q.context,
    })),
    mandatePrebuilt: requests.map((q) => ({
      principal: toEntityUid(q.principal),
      action: toEntityUid(q.action),
      resource: toEntityUid(q.resource),
      context: toValue(q.context) as CedarRecord,
    })),
    cedarStateful: requests.map((q) => ({
      principal: q.principal,
      action: q.action,
      resource: q.resource,
      context: q.context as StatefulAuthorizationCall['context'],
      preparsedPolicySetId,
      ...(schemaName === undefined ? {} : { preparsedSchemaName: schemaName, validateRequest: true }),
      entities: (schemaName === undefined
        ? q.slice
        : q.slice.filter((e) => !isAction(e))) as unknown as StatefulAuthorizationCall['entities'],
    })),
  };
}

/** Preparse a schema into cedar-wasm's thread-local cache under `name`. */
export function cedarPreparseSchema(name: string, schema: string): void {
  const r = cedarWasm().preparseSchema(name, schema);
  if (r.type !== 'success')
    throw new Error(`cedar-wasm preparseSchema failed: ${r.errors.map((e) => e.message).join('; ')}`);
}

/** Entities JSON without the action entities (with a schema, actions come from the schema). */
export function withoutActions(entities: readonly EntityJson[]): EntityJson[] {
  return entities.filter((e) => !isAction(e));
}

/** Preparse a policy set into cedar-wasm's thread-local cache; returns its id. */
export function cedarPreparse(text: string): string {
  const id = `bench-${nextPolicySetId++}`;
  const r = cedarWasm().preparsePolicySet(id, { staticPolicies: text });
  if (r.type !== 'success')
    throw new Error(`cedar-wasm preparsePolicySet failed: ${r.errors.map((e) => e.message).join('; ')}`);
  return id;
}

export function statelessCalls(requests: readonly RequestSpec[], text: string): AuthorizationCall[] {
  const policies = { staticPolicies: text };
  return requests.map((q) => ({
    principal: q.principal,
    action: q.action,
    resource: q.resource,
    context: q.context as AuthorizationCall['context'],
    policies,
    entities: q.slice as unknown as AuthorizationCall['entities'],
  }));
}

export const engines = {
  mandateAuthorize: (authz: Authorizer) => (q: AuthorizationRequest) => authz.authorize(q),
  cedarStateful: () => {
    const w = cedarWasm();
    return (c: StatefulAuthorizationCall) => w.statefulIsAuthorized(c);
  },
  mandateIsAuthorized: () => (c: AuthorizationCall) => mandateIsAuthorized(c),
  cedarIsAuthorized: () => {
    const w = cedarWasm();
    return (c: AuthorizationCall) => w.isAuthorized(c);
  },
};

/**
 * Per request: candidate policies the scope index hands to the evaluator, and policies whose
 * scope actually matches (a scan of the whole set): the gap is work the index could skip.
 */
export function candidateCounts(
  ps: PolicySet,
  store: EntityStore,
  requests: readonly RequestSpec[],
): { mean: number; max: number; scopeMatchMean: number } {
  let sum = 0;
  let max = 0;
  let matches = 0;
  for (const q of requests) {
    const env = {
      principal: toEntityUid(q.principal),
      action: toEntityUid(q.action),
      resource: toEntityUid(q.resource),
      context: CedarRecord.EMPTY,
      entities: store,
    };
    const n = ps.candidates(env).length;
    sum += n;
    if (n > max) max = n;
    for (const p of ps.policies) if (p.matchesScope(env)) matches++;
  }
  const k = Math.max(requests.length, 1);
  return { mean: sum / k, max, scopeMatchMean: matches / k };
}

export { Authorizer, EntityStore };
