/**
 * @module errors
 * Typed errors of this package. Each has a `kind` a caller can branch on (and a test can
 * assert on) rather than wording, and a message that is lowercase with the offending input in
 * backticks and says what was refused and where.
 */

/** Why a signed token (an intent mandate or an approval) was refused. */
export type TokenFailureKind =
  /** not a JWS compact token, or its header or claims are not JSON */
  | 'malformed'
  /** `alg: none`, or an empty signature */
  | 'unsigned'
  /** the header's algorithm is not an allowed one */
  | 'algorithm'
  /** no key matches, or the signature does not verify (forged or tampered) */
  | 'signature'
  /** `exp` is in the past */
  | 'expired'
  /** `iss` is not the expected issuer */
  | 'issuer'
  /** `aud` does not name this service */
  | 'audience'
  /** the `typ` header says it is another kind of token */
  | 'type'
  /** a registered or Mandate claim is missing or malformed */
  | 'claim';

/** Why an intent mandate or a cart was refused. */
export type IntentErrorKind =
  | TokenFailureKind
  /** the intent given to sign, or a cart, is not well formed */
  | 'invalid';

/** An intent mandate that cannot be signed, verified or used. Nothing in a refused token is trusted. */
export class IntentError extends Error {
  override readonly name = 'IntentError';
  readonly kind: IntentErrorKind;
  /** The claim or field concerned (`exp`, `mandate.paths[2]`); empty when not one. */
  readonly path: string;
  constructor(kind: IntentErrorKind, message: string, path = '', options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.path = path;
  }
}

/** Why an approval was refused. */
export type ApprovalErrorKind =
  | TokenFailureKind
  /** a valid approval, but for another call (session, principal, action, resource or input) */
  | 'binding'
  /** the token lives longer than approvals may */
  | 'lifetime'
  /** the approval was already used once */
  | 'replayed';

/** An approval token that does not approve this call. */
export class ApprovalError extends Error {
  override readonly name = 'ApprovalError';
  readonly kind: ApprovalErrorKind;
  /** The claim or binding field concerned (`approves.input`); empty when not one. */
  readonly path: string;
  constructor(kind: ApprovalErrorKind, message: string, path = '', options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.path = path;
  }
}

/** Why a session store failed. */
export type StoreErrorKind =
  /** the backend could not be reached or answered with an error */
  | 'backend'
  /** too many concurrent writers: the update kept losing the race */
  | 'conflict'
  /** the stored state is not what this package writes */
  | 'corrupt'
  /** the session would grow beyond a configured limit */
  | 'limit';

/** A session store that could not read or update a session. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly kind: StoreErrorKind;
  /** The session concerned. */
  readonly sessionId: string;
  constructor(kind: StoreErrorKind, message: string, sessionId: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.sessionId = sessionId;
  }
}

/** Why a guard could not be built or a tool registry is wrong. */
export type GuardErrorKind =
  /** an option or a tool specification is invalid */
  | 'config'
  /** a tool name is not in the registry */
  | 'unknown-tool'
  /** a tool call's input cannot be read (a path, URL, amount or cart of the wrong shape) */
  | 'input';

/** A misconfigured guard or a tool call it cannot read. */
export class GuardError extends Error {
  override readonly name = 'GuardError';
  readonly kind: GuardErrorKind;
  /** Where: an option (`tools.fetch.action`) or an input field (`input.url`). */
  readonly path: string;
  constructor(kind: GuardErrorKind, message: string, path = '', options?: { cause?: unknown }) {
    super(path === '' ? message : `at \`${path}\`: ${message}`, options);
    this.kind = kind;
    this.path = path;
  }
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** zod's messages start with a capital; ours are lowercase. */
export function lowerFirst(s: string): string {
  return s.length > 0 ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}
