/**
 * @module grant
 * A grant: the authorizer's permission for one use of one secret — this chain, this
 * reference, this destination (origin, method, path) — valid for a short time and good for
 * one release. It carries the decision it was issued on, so what was allowed and why travels
 * with it. A grant is a handle, not a capability a caller can make: the gateway releases only
 * for grant objects it issued itself.
 */
import type { ChainDecision } from '@mandate/identity';
import type { Destination } from './destination.js';
import type { GrantError, SecretRefError } from './errors.js';

export interface Grant {
  readonly id: string;
  /** The secret reference, exactly as given. */
  readonly ref: string;
  readonly destination: Destination;
  /** Epoch milliseconds. */
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** The chain decision the grant was issued on (always `allow`). */
  readonly decision: ChainDecision;
}

/** The result of `Gateway.check`: a grant, or why not. */
export type GrantOutcome =
  | { readonly ok: true; readonly grant: Grant }
  | { readonly ok: false; readonly error: GrantError | SecretRefError };
