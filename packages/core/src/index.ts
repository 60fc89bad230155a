/**
 * @module @mandate/core
 * Cedar policy engine for AI agents: Cedar text is parsed and validated by Cedar itself
 * (cedar-wasm), lowered to a small IR and compiled to closures; decisions are Cedar's, exactly,
 * without crossing into wasm.
 *
 * The explicit list of what this package exports; nothing else is public.
 */

// Main API
export {
  type AuthorizationRequest,
  Authorizer,
  type AuthorizerOptions,
  type Decision,
  type DeterminingPolicy,
} from './authorizer/authorizer.js';
export { type AuthorizationError, FAIL_CLOSED_ANNOTATION, type FailClosedMode } from './authorizer/decide.js';
// Drop-in for cedar-wasm
export { clearIsAuthorizedCache, isAuthorized } from './authorizer/is-authorized.js';
// Policies
export type { CompiledPolicy } from './compile/policy.js';
export { type CompileOptions, PolicySet, type TemplateLinkInput } from './compile/policy-set.js';
// Entities
export {
  EntityError,
  type EntityInput,
  EntityStore,
  type EntityStoreOptions,
  type StoredEntity,
} from './entities/store.js';
export { PolicyError, type SourceLocation } from './errors.js';
export { MAX_PARSE_NESTING, type PolicySetInput } from './frontend/parse.js';
export { assertValid, type ValidationIssue, type ValidationResult, validatePolicies } from './frontend/validate.js';
export { MAX_EXPRESSION_DEPTH } from './ir/lower.js';
export type { PolicyIR } from './ir/nodes.js';
// Values
export { EvaluationError, type EvaluationErrorKind } from './values/errors.js';
export {
  CedarRecord,
  CedarSet,
  EntityUID,
  ExtensionValue,
  type Value,
  valueEquals,
  valueToCedar,
  valueToJson,
} from './values/value.js';
