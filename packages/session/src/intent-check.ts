/**
 * @module intent-check
 * Whether a call lies within a verified intent: the user's, for this session, not expired, an
 * action or tool the user named, paths and hosts inside the scopes, spending within the
 * budget, and — for a closed intent — the exact cart approved. The guard denies a call
 * outside the intent before any policy runs; policies still see `context.intent` and may
 * narrow further (they cannot widen it).
 */
import type { VerifiedIntent } from './intent.js';
import { type CallScope, hostMatches, pathMatches } from './scope.js';

/** Reasons, as they appear in a guard outcome's `reasons`. */
export type IntentViolationReason =
  | 'mandate:intent-expired'
  | 'mandate:intent-session'
  | 'mandate:intent-subject'
  | 'mandate:intent-action'
  | 'mandate:intent-path'
  | 'mandate:intent-host'
  | 'mandate:intent-budget'
  | 'mandate:intent-cart';

export interface IntentViolation {
  readonly reason: IntentViolationReason;
  readonly message: string;
}

export interface IntentCall {
  readonly sessionId: string;
  /** The user the call is on behalf of (the chain's root), when known. */
  readonly subject: string | undefined;
  readonly action: string;
  readonly tool: string;
  readonly groups: readonly string[];
  readonly scope: CallScope;
  readonly now: Date;
  /** Already spent against this intent in the session. */
  readonly spent: bigint;
  /** Digest of the cart given with the call, if any. */
  readonly cart: string | undefined;
  /** The tool spends money. */
  readonly transaction: boolean;
}

/** The first way `call` falls outside `intent`, or `undefined` when it is within it. */
export function checkIntent(intent: VerifiedIntent, call: IntentCall): IntentViolation | undefined {
  const v = (reason: IntentViolationReason, message: string): IntentViolation => ({ reason, message });
  if (call.now.getTime() >= intent.expires.getTime())
    return v('mandate:intent-expired', `intent \`${intent.id}\` expired at ${intent.expires.toISOString()}`);
  if (intent.sessionId !== undefined && intent.sessionId !== call.sessionId)
    return v(
      'mandate:intent-session',
      `intent \`${intent.id}\` is for session \`${intent.sessionId}\`, not \`${call.sessionId}\``,
    );
  if (call.subject !== undefined && call.subject !== intent.subject)
    return v('mandate:intent-subject', `intent \`${intent.id}\` is \`${intent.subject}\`'s, not \`${call.subject}\`'s`);
  const named =
    intent.actions.includes(call.action) ||
    intent.tools.includes(call.tool) ||
    call.groups.some((g) => intent.tools.includes(g));
  if (!named)
    return v(
      'mandate:intent-action',
      `neither action \`${call.action}\` nor tool \`${call.tool}\` is in intent \`${intent.id}\``,
    );
  for (const p of call.scope.paths ?? [])
    if (!intent.paths.some((g) => pathMatches(g, p)))
      return v('mandate:intent-path', `path \`${p}\` is outside the paths of intent \`${intent.id}\``);
  for (const h of call.scope.hosts ?? [])
    if (!intent.hosts.some((g) => hostMatches(g, h)))
      return v('mandate:intent-host', `host \`${h}\` is outside the hosts of intent \`${intent.id}\``);
  const amount = call.scope.amount ?? 0n;
  if (amount > 0n) {
    const b = intent.budget;
    if (b === undefined)
      return v('mandate:intent-budget', `intent \`${intent.id}\` allows no spending (\`${amount}\`)`);
    if (call.scope.currency !== undefined && call.scope.currency !== b.currency)
      return v('mandate:intent-budget', `currency \`${call.scope.currency}\` is not the budget's \`${b.currency}\``);
    if (call.spent + amount > b.amount)
      return v(
        'mandate:intent-budget',
        `spending \`${amount}\` after \`${call.spent}\` exceeds the budget \`${b.amount}\` ${b.currency} of intent \`${intent.id}\``,
      );
  }
  if (intent.cart !== undefined && (call.transaction || amount > 0n || call.cart !== undefined)) {
    if (call.cart === undefined)
      return v('mandate:intent-cart', `intent \`${intent.id}\` is closed: a transaction needs the approved cart`);
    if (call.cart !== intent.cart)
      return v('mandate:intent-cart', `cart \`${call.cart}\` is not the cart approved in intent \`${intent.id}\``);
  }
  return undefined;
}
