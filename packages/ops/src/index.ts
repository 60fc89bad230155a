/**
 * @module @mandate/ops
 * Running Mandate in production: a decision log (structured events to JSON lines, files,
 * OpenTelemetry span events; bounded, never blocking, drops counted), Ed25519-signed
 * receipts verifiable offline, and `DecisionPoint` — a live authorizer with hot reload from a
 * folder or bundle (atomic swap, a bad set never replaces a good one), canary self-tests, a
 * shadow policy set compared on real traffic, and the version of every decision.
 *
 * The explicit list of what this package exports, by module: the decision point; canaries;
 * shadow comparison; policy sources; decision events; the log and its sinks; receipts;
 * canonical JSON; errors.
 */

export {
  assertCanaries,
  type Canary,
  type CanaryFailure,
  type CanaryResult,
  checkCanaries,
  describeCanaryFailure,
} from './canary.js';
export { canonicalJson } from './canonical-json.js';
export {
  type AuthorizerSettings,
  DecisionPoint,
  type DecisionPointOptions,
  type DecisionPointStats,
  type Divergence,
  type ReloadResult,
  type ShadowOptions,
  type UpdateResult,
  type VersionedDecision,
} from './decision-point.js';
export { OpsError, type OpsErrorKind } from './errors.js';
export {
  type Attribution,
  attributionOf,
  type ChainLike,
  DECISION_EVENT_VERSION,
  type DecisionEvent,
  decisionEvent,
  decisionEventSchema,
  type EventParts,
  ensureInputDigest,
  type InputDigestOptions,
  inputDigest,
  type ReceiptSignature,
  type ShadowOutcome,
  uidText,
} from './event.js';
export { DecisionLog, type DecisionLogOptions, type DecisionLogStats } from './log.js';
export {
  assertReceipt,
  generateReceiptKeys,
  type Receipt,
  type ReceiptKeys,
  type ReceiptVerification,
  signReceipt,
  verifyReceipt,
} from './receipt.js';
export { diverges, type ShadowCompare } from './shadow.js';
export type { DecisionSink } from './sink.js';
export { fileSink, type JsonLinesSinkOptions, jsonLinesSink } from './sinks/json-lines.js';
export { type MemorySink, memorySink } from './sinks/memory.js';
export { type OtelSink, type OtelSinkOptions, type OtelTraceApi, otelSink, spanAttributes } from './sinks/otel.js';
export { type LoadedPolicies, loadPolicySource, type PolicySource } from './source.js';
