/**
 * @module frontend/validate
 * Strict validation of policies against a schema — Cedar's own validator, through cedar-wasm,
 * at load time only.
 */
import type { DetailedError, PolicySet as WasmPolicySet, Schema as WasmSchema } from '@cedar-policy/cedar-wasm/nodejs';
import { PolicyError, type SourceLocation } from '../errors.js';
import { lineColumn, utf8OffsetToIndex } from '../text/utf8.js';
import { callCedarWasm } from './cedar-wasm.js';

export interface ValidationIssue {
  readonly policyId: string;
  readonly message: string;
  /** Where in the policy text the problem is (when the policies were given as text). */
  readonly location?: SourceLocation | undefined;
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
  const text = typeof policies === 'string' ? policies : undefined;
  const issue = (e: { policyId: string; error: DetailedError }): ValidationIssue => {
    const location = text === undefined ? undefined : locate(text, e.error);
    return location === undefined
      ? { policyId: e.policyId, message: detail(e.error) }
      : { policyId: e.policyId, message: detail(e.error), location };
  };
  return {
    passed: ans.validationErrors.length === 0,
    errors: ans.validationErrors.map(issue),
    warnings: ans.validationWarnings.map(issue),
  };
}

/** Cedar reports UTF-8 byte offsets into the text it validated; we speak UTF-16 indices. */
function locate(text: string, e: DetailedError): SourceLocation | undefined {
  const loc = e.sourceLocations?.[0];
  if (!loc) return undefined;
  const offset = utf8OffsetToIndex(text, loc.start);
  const end = utf8OffsetToIndex(text, loc.end);
  return { offset, length: end - offset, ...lineColumn(text, offset) };
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
      {
        policyId: first.policyId,
        ...(first.location === undefined ? {} : { location: first.location }),
        details: res.errors.map((e) => `${e.policyId}: ${e.message}`),
      },
    );
  }
  return res;
}
