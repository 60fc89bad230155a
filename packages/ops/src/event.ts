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
 *   checked against them;
 * - the outcome: decision, determining policies, erroring policies, failure;
 * - latency of the decision, the policy-set version, schema digest and entity-store version it
 *   used; on a shadow divergence, the shadow's answer.
 *
 * Uids are written as Cedar writes them: `Type::"id"`.
 */
import * as nodeCrypto from 'node:crypto';
import type { AuthorizationRequest, Decision } from '@mandate/core';
import { CedarRecord, EntityUID, valueToJson } from '@mandate/core';
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
    /** `sha256:<hex>` of the canonical JSON of the context; absent when digests are off. */
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

/** `sha256:<hex>` of the canonical JSON of a request's context (Cedar JSON, or a parsed record). */
export function inputDigest(context: AuthorizationRequest['context']): string {
  const json = context instanceof CedarRecord ? valueToJson(context) : (context ?? {});
  return `sha256:${sha256Hex(canonicalJson(json))}`;
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
  readonly id?: string | undefined;
  readonly time?: number | undefined;
}

/** Build the event of one decision. Cheap by design: it runs on the deciding call's stack. */
export function decisionEvent(parts: EventParts): DecisionEvent {
  const { request, decision: d } = parts;
  let input: string | undefined;
  if (parts.digest ?? true) {
    try {
      input = inputDigest(request.context);
    } catch {
      input = 'unhashable'; // a context that is not JSON (then authorize refused it too)
    }
  }
  const what: { -readonly [K in keyof DecisionEvent['what']]: DecisionEvent['what'][K] } = {
    action: uidText(request.action),
    resource: uidText(request.resource),
  };
  if (input !== undefined) what.input = input;
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
