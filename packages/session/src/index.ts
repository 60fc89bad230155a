/**
 * @module @mandate/session
 * Intent-aware authorization for Mandate: signed intent mandates (and closed carts), taint
 * tracking against the lethal trifecta, a third outcome — needs approval — with approvals
 * bound to one exact call, session history in time windows, and session state read and
 * updated atomically with each decision, in memory or in Redis.
 *
 * The explicit list of what this package exports (nothing else is public), by module: the
 * guard; tools and labels; intent mandates, carts and scopes; approvals; history; session
 * state and stores; canonical digests; errors.
 */

export {
  APPROVABLE_ANNOTATION,
  APPROVAL_TOKEN_TYPE,
  type CallBinding,
  DEFAULT_MAX_APPROVAL_LIFETIME,
  type IssueApprovalOptions,
  issueApproval,
  uidString,
  type VerifiedApproval,
  type VerifyApprovalOptions,
  verifyApproval,
} from './approval.js';
export { canonicalJson, digestOf, MAX_CANONICAL_DEPTH } from './canonical.js';
export { cartDigest } from './cart.js';
export {
  ApprovalError,
  type ApprovalErrorKind,
  GuardError,
  type GuardErrorKind,
  IntentError,
  type IntentErrorKind,
  StoreError,
  type StoreErrorKind,
  type TokenFailureKind,
} from './errors.js';
export {
  type ApprovalObligation,
  type GuardApprovalOptions,
  type GuardFailureKind,
  type GuardOutcome,
  type GuardRequest,
  type Obligation,
  type Outcome,
  type RecordRequest,
  type SessionFacts,
  SessionGuard,
  type SessionGuardOptions,
} from './guard.js';
export { BUCKETS_PER_WINDOW, type Counter, WINDOWS, type WindowName } from './history.js';
export {
  INTENT_TOKEN_TYPE,
  type IntentInput,
  intentContext,
  isVerifiedIntent,
  type SignIntentOptions,
  signIntent,
  type VerifiedIntent,
  type VerifyIntentOptions,
  verifyIntent,
} from './intent.js';
export { checkIntent, type IntentCall, type IntentViolation, type IntentViolationReason } from './intent-check.js';
export type { TokenVerifyOptions } from './jws.js';
export { RedisSessionStore, type RedisSessionStoreOptions } from './redis-store.js';
export { type CallScope, hostMatches, MAX_SCOPE_LENGTH, normalizePath, pathMatches } from './scope.js';
export {
  DEFAULT_LIMITS,
  decodeState,
  EMPTY_STATE,
  encodeState,
  type SessionLimits,
  type SessionState,
} from './state.js';
export {
  MemorySessionStore,
  type MemorySessionStoreOptions,
  type SessionStore,
  type SessionUpdate,
} from './store.js';
export {
  defaultScope,
  defaultToolContext,
  PRIVATE_DATA,
  type RegisteredTool,
  type ToolInput,
  ToolRegistry,
  type ToolSpec,
  UNTRUSTED_CONTENT,
} from './tools.js';
