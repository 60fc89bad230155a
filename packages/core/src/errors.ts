/**
 * @module errors
 * Typed errors thrown at compile and load time. `authorize()` never throws; everything that
 * can go wrong before it (policy text, schema, entities) throws one of these, saying what and
 * where, with the offending input in backticks as Cedar does.
 */

export interface SourceLocation {
  /** Offset into the text given (policy set text or a single policy's text). */
  readonly offset: number;
  readonly length: number;
  readonly line: number;
  readonly column: number;
}

/** One problem a {@link PolicyError} reports: what, in which policy, and where. */
export interface PolicyProblem {
  readonly policyId?: string;
  readonly location?: SourceLocation;
  readonly message: string;
}

/** A policy that cannot be parsed, linked or validated. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  /** `parse`, `link` (template links), `validation` or `duplicate-id`. */
  readonly kind: 'parse' | 'link' | 'validation' | 'duplicate-id' | 'unsupported';
  /** Id of the policy at fault, when one is known. */
  readonly policyId: string | undefined;
  readonly location: SourceLocation | undefined;
  /** Every problem found (a validation failure usually lists several). */
  readonly details: readonly string[];
  /**
   * Every problem found, each with its own policy id and location; never empty. The first is
   * this error's own `message`, `policyId` and `location`. A policy-set text with several
   * policies that do not parse lists each of them here (one of `details` each).
   */
  readonly problems: readonly PolicyProblem[];
  constructor(
    kind: PolicyError['kind'],
    message: string,
    opts: {
      policyId?: string;
      location?: SourceLocation;
      details?: readonly string[];
      /** Further problems after this one (which is always the first). */
      more?: readonly PolicyProblem[];
    } = {},
  ) {
    super(message);
    this.kind = kind;
    this.policyId = opts.policyId;
    this.location = opts.location;
    const first: PolicyProblem = {
      message,
      ...(opts.policyId !== undefined ? { policyId: opts.policyId } : {}),
      ...(opts.location !== undefined ? { location: opts.location } : {}),
    };
    this.problems = [first, ...(opts.more ?? [])];
    this.details = opts.details ?? this.problems.map((p) => p.message);
  }
}

/**
 * The message of anything thrown: an `Error`, an `EvaluationError` (which is not an `Error`)
 * or any other object with a `message`, else its string form.
 */
export function messageOf(e: unknown): string {
  if (e !== null && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}
