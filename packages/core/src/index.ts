/**
 * @module @mandate/core
 * Cedar policy engine for AI agents: Cedar text is parsed and validated by Cedar itself
 * (cedar-wasm), lowered to a small IR and compiled to closures; decisions are Cedar's, exactly,
 * without crossing into wasm.
 *
 * The explicit list of what this package exports (nothing else is public), by module:
 * the main API (`Authorizer`) and the cedar-wasm drop-in (`isAuthorized`); bundles; policy
 * sets; entity stores; explanations of decisions; batches and permitted actions; the data
 * boundary (Cedar JSON → values); schemas; values.
 */
export {
  listPermittedActions,
  type PermittedAction,
  type PermittedActions,
  PermittedActionsError,
  type PermittedActionsQuery,
} from './analysis/permitted.js';
export {
  type AuthorizationRequest,
  Authorizer,
  type AuthorizerOptions,
  type Decision,
  type DeterminingPolicy,
} from './authorizer/authorizer.js';
export { authorizeBatch } from './authorizer/batch.js';
export { type AuthorizationError, FAIL_CLOSED_ANNOTATION, type FailClosedMode } from './authorizer/decide.js';
export type { EntitiesInput, EntityRefInput, SchemaInput } from './authorizer/inputs.js';
export { clearIsAuthorizedCache, isAuthorized } from './authorizer/is-authorized.js';
export {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  BundleError,
  type LoadedBundle,
  readBundle,
  writeBundle,
} from './bundle/bundle.js';
export type { EvalEnv } from './compile/env.js';
export type { CompiledPolicy } from './compile/policy.js';
export { type CompileOptions, PolicySet, type TemplateLinkInput } from './compile/policy-set.js';
export {
  DEFAULT_MAX_HIERARCHY_DEPTH,
  EntityError,
  type EntityInput,
  EntityStore,
  type EntityStoreOptions,
  type StoredEntity,
} from './entities/store.js';
export { PolicyError, type PolicyProblem, type SourceLocation } from './errors.js';
export { explain, policyOutline } from './explain/explain.js';
export { type FormatExplanationOptions, formatExplanation } from './explain/format.js';
export {
  type ConditionExplanation,
  ExplainError,
  type ExplainedRequest,
  type Explanation,
  type ExprExplanation,
  type NodeOutcome,
  type PolicyExplanation,
  type PolicyOutcome,
  type PolicySource,
  type ScopeConstraintExplanation,
} from './explain/types.js';
export { isCedarWasmLoaded } from './frontend/cedar-wasm.js';
export { MAX_PARSE_NESTING, type PolicySetInput } from './frontend/parse.js';
export { locatePolicies } from './frontend/scan.js';
export { assertValid, type ValidationIssue, type ValidationResult, validatePolicies } from './frontend/validate.js';
export { MAX_EXPRESSION_DEPTH } from './ir/lower.js';
export type { PolicyIR } from './ir/nodes.js';
export {
  DEFAULT_MAX_DEPTH,
  InputError,
  type InputErrorKind,
  type ParseContextOptions,
  type ParsedEntity,
  type ParseEntitiesOptions,
  parseContext,
  parseEntities,
  parseEntityRef,
  parseJsonText,
  parseValue,
  validateRequest,
} from './json/index.js';
export {
  type ActionDef,
  type EntityTypeDef,
  Schema,
  SchemaError,
  type SchemaJson,
  type SchemaType,
} from './schema/index.js';
// Positions in policy text for tools: Cedar reports UTF-8 byte offsets, editors count UTF-16 units.
export { lineColumn, utf8OffsetToIndex } from './text/utf8.js';
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
