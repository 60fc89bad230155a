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
  | 'cycle'
  /** a hop holds a scope its delegator was not delegated (authority may only narrow) */
  | 'scope'
  /** a hop's SPIFFE ID is in a trust domain that is not allowed */
  | 'trust-domain';

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
  | 'malformed'
  /** the `typ` header is not the one this kind of token must carry (e.g. `txntoken+jwt`) */
  | 'type'
  /** a header parameter this kind of token must not carry (JWT-SVID allows `alg`, `kid`, `typ` only) */
  | 'header'
  /** the token lives longer than allowed for its kind (`exp` − `iat`) */
  | 'lifetime'
  /** a JWT-SVID whose SPIFFE ID is in a trust domain with no trust bundle, or not allowed */
  | 'trust-domain'
  /** an attestation whose nonce is missing or not the one expected (a replayed attestation) */
  | 'nonce';

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

/** What is wrong with a string that should be a SPIFFE ID (SPIFFE ID specification §2). */
export type SpiffeIdErrorKind =
  /** the empty string */
  | 'empty'
  /** longer than 2048 bytes, or a trust domain longer than 255 */
  | 'length'
  /** not `spiffe://` (the scheme is compared exactly: lowercase) */
  | 'scheme'
  /** no trust domain, or a character outside `[a-z0-9._-]` in it */
  | 'trust-domain'
  /** userinfo (`@`) or a port (`:`) in the authority */
  | 'authority'
  /** an empty, `.` or `..` segment, a trailing `/`, or a character outside `[A-Za-z0-9._-]` */
  | 'path'
  /** a workload was expected, but the ID names only a trust domain (no path) */
  | 'no-path'
  /** a `?` query component */
  | 'query'
  /** a `#` fragment component */
  | 'fragment'
  /** a `%` percent-encoded character (never allowed, so one ID has one spelling) */
  | 'percent-encoding';

/** A string that is not a valid SPIFFE ID; `index` is the offending position (-1 for the whole). */
export class SpiffeIdError extends Error {
  override readonly name = 'SpiffeIdError';
  readonly kind: SpiffeIdErrorKind;
  /** The input, as given. */
  readonly input: string;
  readonly index: number;
  constructor(kind: SpiffeIdErrorKind, input: string, message: string, index = -1) {
    super(message);
    this.kind = kind;
    this.input = input;
    this.index = index;
  }
}
