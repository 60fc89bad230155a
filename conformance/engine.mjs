// Mandate's engine for the Cedar conformance harness (../shared/conformance/run.mjs).
//
// It decides with Mandate's main API — an `Authorizer` built from the test's policies, schema
// and entities — from the BUILT package (packages/core/dist), so the conformance run checks
// what ships. Compiled policy sets, schemas and entity stores are cached per test file (the
// harness re-reads the same texts), which is how an application uses the Authorizer too.
// Validation (`shouldValidate`) goes through Mandate's `validatePolicies` (Cedar's validator).
import { Authorizer, PolicySet, validatePolicies } from '../packages/core/dist/index.js';

export const name = 'mandate (Authorizer, compiled closures)';

const policyCache = new Map();
const authorizerCache = new WeakMap(); // entities array → Map(policies+schema → Authorizer | Error)

const cached = (map, key, make) => {
  if (!map.has(key)) {
    try {
      map.set(key, { value: make() });
    } catch (error) {
      map.set(key, { error });
    }
  }
  const hit = map.get(key);
  if (hit.error) throw hit.error;
  return hit.value;
};

function authorizerFor(policiesText, entitiesJson, schemaText) {
  let perEntities = authorizerCache.get(entitiesJson);
  if (!perEntities) {
    perEntities = new Map();
    authorizerCache.set(entitiesJson, perEntities);
  }
  return cached(perEntities, `${policiesText}\u0000${schemaText}`, () => {
    const policies = cached(policyCache, policiesText, () => PolicySet.compile(policiesText));
    return new Authorizer({
      policies,
      schema: schemaText,
      entities: entitiesJson,
      validateRequests: true,
      validatePolicies: false,
    });
  });
}

export function authorize(policiesText, entitiesJson, schemaText, request) {
  let authz = authorizerFor(policiesText, entitiesJson, schemaText);
  if (request.validateRequest === false) {
    authz = new Authorizer({
      policies: authz.policySet,
      schema: authz.schema,
      entities: authz.entities,
      validateRequests: false,
    });
  }
  const d = authz.authorize(request);
  if (d.failure) return { failure: d.failure.message };
  return {
    decision: d.decision,
    reasons: d.reasons,
    errors: d.errors.map((e) => e.policyId),
    errorMessages: d.errors.map((e) => `${e.policyId}: ${e.message}`),
  };
}

export function validate(policiesText, schemaText) {
  return { passed: validatePolicies(policiesText, schemaText).passed };
}
