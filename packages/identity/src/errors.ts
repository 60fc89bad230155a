/**
 * @module errors
 * Typed errors of this package. Each says what was refused and where (`path`: the place in
 * the input or the token, such as `hops[2].id` or `act.act.sub`), so a caller can log it and a
 * test can assert on `kind` rather than on wording. Messages are lowercase with the offending
 * input in backticks, as Cedar's are.
 */

/** Why a delegation chain was refused. */
export type ChainErrorKind =
  /** the input does not have the shape of a chain */
  | 'invalid'
  /** more agent hops than the configured limit */
  | 'depth'
  /** the same agent appears twice on the chain */
  | 'cycle';

/** A delegation chain that cannot be built or decided. */
export class ChainError extends Error {
  override readonly name = 'ChainError';
  readonly kind: ChainErrorKind;
  /** Where in the input, e.g. `hops[1].id`; empty for the chain as a whole. */
  readonly path: string;
  constructor(kind: ChainErrorKind, message: string, path = '') {
    super(path === '' ? message : `at \`${path}\`: ${message}`);
    this.kind = kind;
    this.path = path;
  }
}

/** Why a token was refused. */
export type TokenErrorKind =
  /** `alg: none`, or no signature at all */
  | 'unsigned'
  /** the header's algorithm is not one of the allowed ones */
  | 'algorithm'
  /** no key matches, or the signature does not verify (forged or tampered token) */
  | 'signature'
  /** `exp` is in the past */
  | 'expired'
  /** `iss` is not the expected issuer */
  | 'issuer'
  /** `aud` does not name the expected audience */
  | 'audience'
  /** another registered or delegation claim is missing or wrong (`sub`, `act`, `scope`, `nbf`, …) */
  | 'claim'
  /** the current actor is not the one `may_act` permits */
  | 'may-act'
  /** not a JWS compact token at all */
  | 'malformed';

/** A token that was refused; nothing in it may be trusted. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  readonly kind: TokenErrorKind;
  /** The claim or header parameter concerned, e.g. `exp`, `act.act.sub`; empty when not one. */
  readonly claim: string;
  constructor(kind: TokenErrorKind, message: string, claim = '', options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.claim = claim;
  }
}
