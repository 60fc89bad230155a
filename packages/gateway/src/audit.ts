/**
 * @module audit
 * The audit trail: one event for every grant, release and refusal, with the decision's
 * reasons (the determining policies of every hop that decided) — and, by construction, no
 * secret. An event holds references, origins, paths, policy ids and error messages, none of
 * which carries a credential; the gateway's errors are written never to include one.
 *
 * Sinks are pluggable. The gateway awaits the sink before a release: a credential whose
 * release could not be recorded is not released.
 */
import type { ChainDecision } from '@mandate/identity';
import type { Destination } from './destination.js';

export type AuditEventType =
  /** the authorizer allowed `secret.use`; a grant was issued */
  | 'grant'
  /** a credential was released for a grant */
  | 'release'
  /** something was refused: a denial, an expired or unknown grant, a vault failure, a leaking redirect */
  | 'refusal';

export interface AuditHop {
  readonly principal: string;
  readonly decision: 'allow' | 'deny';
  readonly reasons: readonly string[];
  readonly errors: readonly string[];
}

export interface AuditEvent {
  readonly type: AuditEventType;
  /** ISO 8601. */
  readonly time: string;
  /** Which step: asking for a grant, releasing it, or following a redirect. */
  readonly stage: 'grant' | 'release' | 'redirect';
  readonly ref: string;
  readonly destination: Pick<Destination, 'origin' | 'method' | 'path'> | undefined;
  readonly chain: { readonly root: string; readonly actor: string; readonly agents: readonly string[] } | undefined;
  readonly decision: 'allow' | 'deny';
  /** Determining policy ids: of every hop when allowed, of the denying hop when denied. */
  readonly reasons: readonly string[];
  /** Every hop's decision, when the authorizer was asked. */
  readonly hops: readonly AuditHop[];
  readonly message: string;
  readonly grantId?: string | undefined;
  /** When the grant expires (ISO 8601). */
  readonly expiresAt?: string | undefined;
  /** The refusal's error: its class name and kind. */
  readonly error?: { readonly name: string; readonly kind: string } | undefined;
}

/** Where events go. May be async; a throwing sink blocks the release it would have recorded. */
export type AuditSink = (event: AuditEvent) => void | Promise<void>;

/** A sink that keeps events in an array (tests, or a host that ships them in batches). */
export function memoryAuditSink(): { readonly sink: AuditSink; readonly events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  return { sink: (e) => void events.push(e), events };
}

/** A sink writing one JSON line per event, e.g. `jsonLinesAuditSink((l) => process.stderr.write(l))`. */
export function jsonLinesAuditSink(write: (line: string) => unknown): AuditSink {
  return async (e) => {
    await write(`${JSON.stringify(e)}\n`);
  };
}

/** @internal the per-hop summary of a chain decision. */
export function auditHops(d: ChainDecision): AuditHop[] {
  return d.hops.map((h) => ({
    principal: `${h.principal.type}::${JSON.stringify(h.principal.id)}`,
    decision: h.decision.decision,
    reasons: h.decision.reasons,
    errors: h.decision.errors.map((e) => e.policyId),
  }));
}

/** @internal the reasons that decided: every hop's when allowed, the denying hop's when denied. */
export function auditReasons(d: ChainDecision): string[] {
  const hops = d.deniedBy !== undefined ? [d.deniedBy] : d.hops;
  return [...new Set(hops.flatMap((h) => h.decision.reasons))];
}
