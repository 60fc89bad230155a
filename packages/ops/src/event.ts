/**
 * @module event
 * The decision event: one per decision, self-contained, so that any action can be attributed
 * to the person it was done for and replayed against the exact policies that decided it.
 *
 * - who: the principal decided, and for a delegated request the root user, every agent hop in
 *   delegation order and the actor (from the delegation chain given with the request, else
 *   from `context.chain`), and the session (`context.session.id`);
 * - what: action, resource, and a SHA-256 digest of the request's context (tool arguments
 *   included) — the digest, not the input, so logs carry no secrets yet a disputed input can be
 *   checked against them (`inputDigest`). The digest is taken off the deciding call: the event
 *   keeps the parsed, immutable context and the log digests it (`ensureInputDigest`) in its
 *   drain — or on `record`, when a synchronous sink hook is about to see the event;
 * - the outcome: decision, determining policies, erroring policies, failure;
 * - latency of the decision, the policy-set version, schema digest and entity-store version it
 *   used; on a shadow divergence, the shadow's answer.
 *
 * Uids are written as Cedar writes them: `Type::"id"`.
 */
import * as nodeCrypto from 'node:crypto';
import type { AuthorizationRequest, Decision, Schema } from '@mandate/core';
import { CedarRecord, EntityUID, parseContext, valueToJson } from '@mandate/core';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';

export const DECISION_EVENT_VERSION = 1;

export interface Attribution {
  /** The principal this decision was made for. */
  readonly principal: string;
  /** The user at the root of the delegation chain. */
  readonly root?: string;
  /** Every agent on the chain, in delegation order (the first was delegated by the user). */
  readonly hops?: readonly string[];
  /** The agent making the call (the last hop). */
  readonly actor?: string;
  /** The session id. */
  readonly session?: string;
}

export interface ShadowOutcome {
  /** The shadow policy set's version. */
  readonly policies: string;
  readonly decision: 'allow' | 'deny';
  readonly reasons: readonly string[];
  readonly errors: number;
}

export interface ReceiptSignature {
  readonly alg: 'Ed25519';
  /** Which key signed (for rotation); free-form. */
  readonly keyId?: string;
  /** base64url signature over the canonical JSON of the event without `signature`. */
  readonly value: string;
}

export interface DecisionEvent {
  readonly v: typeof DECISION_EVENT_VERSION;
  /** Unique id (UUID v4), also returned with the decision. */
  readonly id: string;
  /** ISO 8601 time of the decision. */
  readonly time: string;
  readonly who: Attribution;
  readonly what: {
    readonly action: string;
    readonly resource: string;
    /**
     * `sha256:<hex>` of the canonical JSON of the context (see {@link inputDigest}); absent when
     * digests are off. `DecisionPoint` leaves it to the log (see {@link ensureInputDigest}):
     * every event a sink receives has it.
     */
    readonly input?: string;
  };
  readonly decision: 'allow' | 'deny';
  readonly reasons: readonly string[];
  readonly errors: readonly { readonly policyId: string; readonly message: string }[];
  /** Why the request itself was rejected. */
  readonly failure?: string;
  /** Time taken by the live decision, in microseconds. */
  readonly latencyUs: number;
  /** Policy-set version (bundle digest or content hash). */
  readonly policies: string;
  /** Schema digest, when there is a schema. */
  readonly schema?: string;
  /** Entity-store version (increases with each update). */
  readonly entities: number;
  /** Present when a shadow policy set was evaluated and diverged. */
  readonly shadow?: ShadowOutcome;
  /** Present on a signed receipt. */
  readonly signature?: ReceiptSignature;
}

const attributionSchema = z.object({
  principal: z.string(),
  root: z.string().optional(),
  hops: z.array(z.string()).optional(),
  actor: z.string().optional(),
  session: z.string().optional(),
});

/** zod schema of a decision event (as read back from a log line or a receipt file). */
export const decisionEventSchema = z.object({
  v: z.literal(DECISION_EVENT_VERSION),
  id: z.string(),
  time: z.string(),
  who: attributionSchema,
  what: z.object({ action: z.string(), resource: z.string(), input: z.string().optional() }),
  decision: z.enum(['allow', 'deny']),
  reasons: z.array(z.string()),
  errors: z.array(z.object({ policyId: z.string(), message: z.string() })),
  failure: z.string().optional(),
  latencyUs: z.number(),
  policies: z.string(),
  schema: z.string().optional(),
  entities: z.number(),
  shadow: z
    .object({
      policies: z.string(),
      decision: z.enum(['allow', 'deny']),
      reasons: z.array(z.string()),
      errors: z.number(),
    })
    .optional(),
  signature: z.object({ alg: z.literal('Ed25519'), keyId: z.string().optional(), value: z.string() }).optional(),
});

/** A delegation chain as `@mandate/identity` builds it (only the ids are read). */
export interface ChainLike {
  readonly root: { readonly id: string };
  readonly hops: readonly { readonly id: string }[];
}

/** `Type::"id"` for a uid in any of the request forms; a readable stand-in for a malformed one. */
export function uidText(x: unknown): string {
  if (x !== null && typeof x === 'object') {
    if (x instanceof EntityUID) return x.key;
    const inner = Object.hasOwn(x, '__entity') ? (x as { __entity: unknown }).__entity : x;
    if (inner !== null && typeof inner === 'object') {
      const { type, id } = inner as { type?: unknown; id?: unknown };
      if (typeof type === 'string' && typeof id === 'string') return `${type}::${JSON.stringify(id)}`;
    }
  }
  try {
    return `(malformed) ${String(JSON.stringify(x)).slice(0, 200)}`;
  } catch {
    return '(malformed)';
  }
}

function field(x: unknown, name: string): unknown {
  if (x instanceof CedarRecord) return x.get(name);
  if (x !== null && typeof x === 'object' && Object.hasOwn(x, name)) return (x as Record<string, unknown>)[name];
  return undefined;
}

/** Who: from the chain given, else from `context.chain` (whose `agents` is a set: order unknown, so not used). */
export function attributionOf(request: AuthorizationRequest, chain: ChainLike | undefined): Attribution {
  const principal = uidText(request.principal);
  const ctx = request.context;
  const sessionId = field(field(ctx, 'session'), 'id');
  const session = typeof sessionId === 'string' ? sessionId : undefined;
  let root: string | undefined;
  let hops: string[] | undefined;
  let actor: string | undefined;
  if (chain !== undefined) {
    root = chain.root.id;
    hops = chain.hops.map((h) => h.id);
    actor = hops[hops.length - 1];
  } else {
    const c = field(ctx, 'chain');
    if (c !== undefined) {
      const r = field(c, 'root');
      const a = field(c, 'actor');
      if (r !== undefined) root = uidText(r);
      if (a !== undefined) actor = uidText(a);
    }
  }
  // Built by assignment, not spreads: this runs on the deciding call.
  const who: { -readonly [K in keyof Attribution]: Attribution[K] } = { principal };
  if (root !== undefined) who.root = root;
  if (hops !== undefined) who.hops = hops;
  if (actor !== undefined) who.actor = actor;
  if (session !== undefined) who.session = session;
  return who;
}

/** One-shot `crypto.hash` (Node ≥ 20.12) skips the Hash object; older Nodes take the long way. */
const oneShotHash = (nodeCrypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;
const sha256Hex = (text: string): string =>
  oneShotHash === undefined
    ? nodeCrypto.createHash('sha256').update(text).digest('hex')
    : oneShotHash('sha256', text, 'hex');

/**
 * How a context is read for its digest, as the authorizer that decided read it: with the
 * schema's context type for the action when there is a schema (so an entity written
 * `{ "type", "id" }` and one written `{ "__entity": … }` are the same input).
 */
export interface InputDigestOptions {
  /** The schema the deciding authorizer had (`authorizer.schema`), if any. */
  readonly schema?: Schema | undefined;
  /** The request's action (a uid or its JSON): selects the schema's context type. */
  readonly action?: AuthorizationRequest['action'] | undefined;
}

/** The digest of a parsed context: SHA-256 of the canonical JSON of its Cedar JSON form. */
function recordDigest(record: CedarRecord): string {
  return `sha256:${sha256Hex(canonicalJson(valueToJson(record)))}`;
}

/**
 * `sha256:<hex>`: the input digest of a request's context, as decision events carry it
 * (`what.input`); verifiers holding a disputed input recompute it with this function.
 *
 * The context is read as Cedar reads it (`parseContext`, with `schema` and `action` when the
 * deciding authorizer had a schema; not validated) and the digest is SHA-256 of the canonical
 * JSON (`canonicalJson`) of its Cedar JSON form (`valueToJson`): so it does not depend on how the
 * caller spelled uids or ordered keys, and a `CedarRecord` and the JSON it was parsed from give
 * the same digest. A context that cannot be read that way (the request was then refused, with a
 * `failure`) is digested as given: SHA-256 of its canonical JSON. Throws `OpsError` only for a
 * value with no JSON form (a cycle, a non-finite number; the event then says `unhashable`).
 */
export function inputDigest(context: AuthorizationRequest['context'], opts: InputDigestOptions = {}): string {
  if (context instanceof CedarRecord) return recordDigest(context);
  let record: CedarRecord | undefined;
  try {
    record = parseContext(context ?? {}, { schema: opts.schema, action: opts.action, validate: false });
  } catch {
    record = undefined;
  }
  return record === undefined ? `sha256:${sha256Hex(canonicalJson(context ?? {}))}` : recordDigest(record);
}

/** {@link inputDigest}, or `unhashable` for a context with no JSON form (never throws). */
export function safeInputDigest(context: AuthorizationRequest['context'], opts?: InputDigestOptions): string {
  try {
    return inputDigest(context, opts);
  } catch {
    return 'unhashable';
  }
}

type What = { -readonly [K in keyof DecisionEvent['what']]: DecisionEvent['what'][K] };

/**
 * `what` of an event whose input digest is still to be taken: it has no `input` until
 * {@link ensureInputDigest} digests the kept record (and lets it go). The record is in a private
 * field, so nothing else sees it — not `JSON.stringify`, `Object.keys`, spreads, `canonicalJson`
 * or equality checks — and the wire shape is the usual `{ action, resource, input }`.
 * (A class, not a getter: an object literal with an accessor costs ~0.5 µs to create in V8,
 * this ~15 ns.)
 */
class PendingWhat {
  readonly action: string;
  readonly resource: string;
  /** Added (after `resource`, as in every event) when the digest is taken. */
  declare input?: string;
  #record: CedarRecord | undefined;
  constructor(action: string, resource: string, record: CedarRecord) {
    this.action = action;
    this.resource = resource;
    this.#record = record;
  }
  static settle(what: unknown): void {
    if (!(what instanceof PendingWhat)) return;
    const record = what.#record;
    if (record === undefined) return;
    what.#record = undefined;
    what.input = safeInputDigest(record);
  }
}

/**
 * Take an event's input digest if it is still pending (events `DecisionPoint` builds leave it
 * to the log: `DecisionLog` calls this in its drain, before signing and writing, or in `record`
 * before any synchronous sink hook sees the event). Returns `what.input`. Never throws for an
 * event `decisionEvent` built.
 */
export function ensureInputDigest(event: DecisionEvent): string | undefined {
  PendingWhat.settle(event.what);
  return event.what.input;
}

export interface EventParts {
  readonly request: AuthorizationRequest;
  readonly decision: Decision;
  readonly latencyUs: number;
  readonly policies: string;
  readonly schema: string | undefined;
  readonly entities: number;
  readonly chain?: ChainLike | undefined;
  /** Compute the input digest (default true). */
  readonly digest?: boolean | undefined;
  /**
   * What to digest: the context as the deciding authorizer parsed it (a `CedarRecord`, immutable:
   * kept, and digested later by {@link ensureInputDigest} — `what` has no `input` until then), or the digest itself. Default: `request.context`, digested now (JSON read without a
   * schema; nothing of the caller's is kept, since the caller may change its JSON afterwards).
   */
  readonly input?: CedarRecord | string | undefined;
  readonly id?: string | undefined;
  readonly time?: number | undefined;
}

/** Build the event of one decision. Cheap by design: it runs on the deciding call's stack. */
export function decisionEvent(parts: EventParts): DecisionEvent {
  const { request, decision: d } = parts;
  const action = uidText(request.action);
  const resource = uidText(request.resource);
  let what: What;
  if (!(parts.digest ?? true)) what = { action, resource };
  else {
    const given = parts.input;
    if (typeof given === 'string') what = { action, resource, input: given };
    else if (given !== undefined) what = new PendingWhat(action, resource, given);
    else what = { action, resource, input: safeInputDigest(request.context) };
  }
  const event: { -readonly [K in keyof DecisionEvent]: DecisionEvent[K] } = {
    v: DECISION_EVENT_VERSION,
    id: parts.id ?? nodeCrypto.randomUUID(),
    time: isoTime(parts.time ?? Date.now()),
    who: attributionOf(request, parts.chain),
    what,
    decision: d.decision,
    // Copies: the caller gets the decision's own arrays, and what it does with them must not reach the log.
    reasons: d.reasons.slice(),
    errors: d.errors.slice(),
    latencyUs: parts.latencyUs,
    policies: parts.policies,
    entities: parts.entities,
  };
  if (d.failure !== undefined) event.failure = d.failure.message;
  if (parts.schema !== undefined) event.schema = parts.schema;
  return event;
}

let lastMs = Number.NaN;
let lastIso = '';
/** ISO 8601 of a time in ms; decisions come many per millisecond, so the last one is kept. */
function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
