/**
 * @module authorizer/is-authorized
 * Drop-in for cedar-wasm's `isAuthorized`: the same `AuthorizationCall` in, the same
 * `AuthorizationAnswer` out — policy ids, decisions, diagnostics, and `failure` answers for
 * the inputs Cedar rejects — so cedar-wasm users switch with one import.
 *
 * Unlike cedar-wasm, compiled policy sets and parsed schemas are cached between calls (keyed
 * by their content), so a stateless caller stops paying for parsing on every decision.
 * Entities are parsed on every call, as the call's data may change between calls.
 */

import type { AuthorizationAnswer, AuthorizationCall, DetailedError } from '@cedar-policy/cedar-wasm/nodejs';
import { PolicySet } from '../compile/policy-set.js';
import { messageOf } from '../errors.js';
import { callCedarWasm } from '../frontend/cedar-wasm.js';
import type { Schema } from '../schema/index.js';
import { decide } from './decide.js';
import { loadContext, loadEntities, loadSchema, toUid, validateRequest } from './inputs.js';

const MAX_CACHED = 64;

/** A small LRU: most recently used last. */
class Lru<V> {
  readonly #map = new Map<string, V>();
  get(key: string): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.#map.set(key, v);
    if (this.#map.size > MAX_CACHED) this.#map.delete(this.#map.keys().next().value as string);
  }
  clear(): void {
    this.#map.clear();
  }
}

type Cached<T> = { ok: true; value: T } | { ok: false; errors: DetailedError[] };

const policyCache = new Lru<Cached<PolicySet>>();
const schemaCache = new Lru<Cached<Schema>>();

const detailed = (message: string): DetailedError => ({ message, help: null, code: null, url: null, severity: null });
const failure = (errors: DetailedError[]): AuthorizationAnswer => ({ type: 'failure', errors, warnings: [] });

function keyOf(x: unknown): string {
  return typeof x === 'string' ? `t${x}` : `j${JSON.stringify(x)}`;
}

/**
 * The last policy text seen. Most callers pass the same policies on every call; comparing
 * against the last text (a pointer comparison when it is the same string) skips building and
 * hashing a cache key as long as the text itself. Only for text: an object may have been
 * mutated since, so objects always go through the content key.
 */
let lastText: { text: string; hit: Cached<PolicySet> } | undefined;

function compiledPolicies(policies: AuthorizationCall['policies']): Cached<PolicySet> {
  const text = typeof policies === 'object' && policies !== null ? policies.staticPolicies : undefined;
  const onlyText = typeof text === 'string' && hasOnlyStaticPolicies(policies);
  if (onlyText && lastText !== undefined && lastText.text === text) return lastText.hit;
  const hit = compiledPoliciesByKey(policies);
  if (onlyText) lastText = { text, hit };
  return hit;
}

function hasOnlyStaticPolicies(policies: object): boolean {
  let n = 0;
  for (const k in policies) if (Object.hasOwn(policies, k) && ++n > 1) return false;
  return n === 1;
}

function compiledPoliciesByKey(policies: AuthorizationCall['policies']): Cached<PolicySet> {
  const key = keyOf(policies);
  let hit = policyCache.get(key);
  if (hit === undefined) {
    // Cedar's own parser decides what is accepted, with Cedar's own messages.
    const check = callCedarWasm('checkParsePolicySet', policies);
    if (check.type !== 'success') hit = { ok: false, errors: check.errors };
    else {
      try {
        hit = { ok: true, value: PolicySet.compile(policies, { strictCedarWasm: true }) };
      } catch (e) {
        hit = { ok: false, errors: [detailed(messageOf(e))] };
      }
    }
    policyCache.set(key, hit);
  }
  return hit;
}

function parsedSchema(schema: NonNullable<AuthorizationCall['schema']>): Cached<Schema> {
  const key = keyOf(schema);
  let hit = schemaCache.get(key);
  if (hit === undefined) {
    try {
      hit = { ok: true, value: loadSchema(schema) };
    } catch (e) {
      hit = { ok: false, errors: [detailed(messageOf(e))] };
    }
    schemaCache.set(key, hit);
  }
  return hit;
}

/** Same contract as cedar-wasm's `isAuthorized`. Never throws. */
export function isAuthorized(call: AuthorizationCall): AuthorizationAnswer {
  try {
    let schema: Schema | undefined;
    if (call.schema !== undefined && call.schema !== null) {
      const s = parsedSchema(call.schema);
      if (!s.ok) return failure(s.errors);
      schema = s.value;
    }
    const ps = compiledPolicies(call.policies);
    if (!ps.ok) return failure(ps.errors);
    const principal = toUid(call.principal, 'principal');
    const action = toUid(call.action, 'action');
    const resource = toUid(call.resource, 'resource');
    const validate = schema !== undefined && (call.validateRequest ?? true);
    const entities = loadEntities(call.entities ?? [], schema);
    const context = loadContext(call.context === undefined ? {} : call.context, schema, action, validate);
    if (schema !== undefined && validate) validateRequest(schema, principal, action, resource);
    const env = { principal, action, resource, context, entities };
    const d = decide(ps.value.candidates(env), env);
    return {
      type: 'success',
      response: {
        decision: d.decision,
        diagnostics: {
          reason: d.reasons,
          errors: d.errors.map((e) => ({ policyId: e.policyId, error: detailed(e.message) })),
        },
      },
      warnings: [],
    };
  } catch (e) {
    return failure([detailed(messageOf(e))]);
  }
}

/** Drop every cached policy set and schema (e.g. in tests, or to bound memory). */
export function clearIsAuthorizedCache(): void {
  lastText = undefined;
  policyCache.clear();
  schemaCache.clear();
}
