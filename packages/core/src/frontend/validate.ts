/**
 * @module frontend/validate
 * Strict validation of policies against a schema — Cedar's own validator, through cedar-wasm,
 * at load time only.
 */
import type { PolicySet as WasmPolicySet, Schema as WasmSchema } from '@cedar-policy/cedar-wasm/nodejs';
import { PolicyError } from '../errors.js';
import { callCedarWasm } from './cedar-wasm.js';

export interface ValidationIssue {
  readonly policyId: string;
  readonly message: string;
}

export interface ValidationResult {
  /** True when there are no validation errors (warnings do not fail validation). */
  readonly passed: boolean;
  readonly errors: readonly ValidationIssue[];
  readonly warnings: readonly ValidationIssue[];
}

const detail = (e: { message: string; help?: string | null }): string =>
  e.help ? `${e.message} (${e.help})` : e.message;

/**
 * Validate policies (text or cedar-wasm `PolicySet`) against a schema (text or JSON) in
 * strict mode. Throws {@link PolicyError} when the policies or the schema do not parse.
 */
export function validatePolicies(
  policies: string | WasmPolicySet,
  schema: string | Readonly<Record<string, unknown>>,
): ValidationResult {
  const ans = callCedarWasm('validate', {
    schema: schema as WasmSchema,
    policies: typeof policies === 'string' ? { staticPolicies: policies } : policies,
    validationSettings: { mode: 'strict' },
  });
  if (ans.type !== 'success') {
    const msg = ans.errors.map(detail).join('; ');
    throw new PolicyError('parse', `cannot validate: ${msg}`, { details: ans.errors.map(detail) });
  }
  return {
    passed: ans.validationErrors.length === 0,
    errors: ans.validationErrors.map((e) => ({ policyId: e.policyId, message: detail(e.error) })),
    warnings: ans.validationWarnings.map((e) => ({ policyId: e.policyId, message: detail(e.error) })),
  };
}

/** {@link validatePolicies}, throwing a {@link PolicyError} of kind `validation` on errors. */
export function assertValid(
  policies: string | WasmPolicySet,
  schema: string | Readonly<Record<string, unknown>>,
): ValidationResult {
  const res = validatePolicies(policies, schema);
  if (!res.passed) {
    const first = res.errors[0] as ValidationIssue;
    throw new PolicyError(
      'validation',
      `policy \`${first.policyId}\` does not validate: ${first.message}${res.errors.length > 1 ? ` (and ${res.errors.length - 1} more)` : ''}`,
      { policyId: first.policyId, details: res.errors.map((e) => `${e.policyId}: ${e.message}`) },
    );
  }
  return res;
}
