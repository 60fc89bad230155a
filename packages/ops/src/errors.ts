/**
 * @module errors
 * The one error type of `@mandate/ops`, with a `kind` saying which stage refused what:
 * loading a policy source, a canary, a receipt, or options.
 */

export type OpsErrorKind =
  /** A policy folder, bundle or schema that cannot be read, parsed or validated. */
  | 'load'
  /** A canary request that did not get the decision it declares. */
  | 'canary'
  /** A receipt that is malformed or whose signature does not verify. */
  | 'receipt'
  /** Options that make no sense. */
  | 'options';

export class OpsError extends Error {
  override readonly name = 'OpsError';
  readonly kind: OpsErrorKind;
  /** Every problem found (all failing canaries, every validation error). */
  readonly details: readonly string[];
  constructor(kind: OpsErrorKind, message: string, opts: { details?: readonly string[]; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.details = opts.details ?? [message];
  }
}

/** The message of anything thrown. */
export function messageOf(e: unknown): string {
  if (e !== null && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}
