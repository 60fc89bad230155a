/**
 * @module errors
 * Typed errors of this package, each with a `kind` to branch on. Messages are lowercase with
 * the offending input in backticks.
 */

export type McpGuardErrorKind =
  /** the guard is set up wrongly (e.g. attached after tools were registered) */
  | 'config'
  /** no bearer token, or a token that does not verify: nothing from it is used */
  | 'unauthenticated'
  /** the call was denied (client guard with `onDeny: 'throw'`) */
  | 'denied'
  /** the call needs a human's approval first (client guard with `onDeny: 'throw'`) */
  | 'needs-approval';

/** Why a call did not go ahead, or why the guard could not be set up. */
export class McpGuardError extends Error {
  override readonly name = 'McpGuardError';
  readonly kind: McpGuardErrorKind;
  /** The decision (for `denied` and `needs-approval`): the same record as a result's `_meta["mandate/decision"]`. */
  readonly decision: unknown;
  constructor(kind: McpGuardErrorKind, message: string, options?: { cause?: unknown; decision?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.decision = options?.decision;
  }
}

/** The message of anything thrown. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
