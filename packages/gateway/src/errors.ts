/**
 * @module errors
 * Typed errors of the gateway. Each has a `kind` a caller can branch on and a test can assert
 * on. Messages are lowercase with the offending input in backticks, as Cedar's are — and
 * never contain a secret value: what they may name is a reference, a vault, a file path, an
 * origin or a policy id, none of which is a credential.
 */
import type { ChainDecision } from '@mandate/identity';

/** Why a secret reference was refused. */
export type SecretRefErrorKind =
  /** not a string, or not of the form `secret://vault/name` */
  | 'malformed'
  /** a scheme other than `secret://` */
  | 'scheme'
  /** the vault or a name segment has characters outside the allowed set, or is `.`/`..` */
  | 'segment'
  /** longer than {@link MAX_SECRET_REF_LENGTH} */
  | 'length';

/** A string that is not a well-formed secret reference. */
export class SecretRefError extends Error {
  override readonly name = 'SecretRefError';
  readonly kind: SecretRefErrorKind;
  constructor(kind: SecretRefErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

/** Why a vault could not produce a secret. */
export type VaultErrorKind =
  /** no vault is configured under the reference's vault name */
  | 'unknown-vault'
  /** the vault holds no secret of that name */
  | 'not-found'
  /** the vault key is missing, malformed or readable by others */
  | 'key'
  /** an encrypted vault file failed authentication or does not parse: it was modified, or the key is wrong */
  | 'tampered'
  /** a stored secret record does not have the expected shape */
  | 'format'
  /** reading or writing the vault failed */
  | 'io'
  /** an OAuth token endpoint refused or answered something unusable */
  | 'provider';

/** A vault that cannot, or will not, produce a secret. The gateway fails closed on it. */
export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly kind: VaultErrorKind;
  constructor(kind: VaultErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

/** Why a grant was not issued or a credential not released. */
export type GrantErrorKind =
  /** the authorizer denied `secret.use` for some principal of the chain */
  | 'denied'
  /** the grant's short lifetime is over */
  | 'expired'
  /** the grant was not issued by this gateway (forged or from another instance) */
  | 'unknown'
  /** the grant was already used: each grant releases one credential */
  | 'used'
  /** the destination differs from the one the grant was issued for */
  | 'destination'
  /** the request (reference, url, method or context) cannot be decided */
  | 'request'
  /** the audit sink failed: nothing is released that is not recorded */
  | 'audit';

/** A refused grant or release. `decision` holds the chain decision when the authorizer was asked. */
export class GrantError extends Error {
  override readonly name = 'GrantError';
  readonly kind: GrantErrorKind;
  readonly decision: ChainDecision | undefined;
  constructor(kind: GrantErrorKind, message: string, decision?: ChainDecision) {
    super(message);
    this.kind = kind;
    this.decision = decision;
  }
}

/** Why a secretless fetch failed after (or instead of) sending. */
export type SecretFetchErrorKind =
  /** the request itself cannot be sent (bad url, several references, non-replayable body on redirect) */
  | 'request'
  /** a redirect that may not be followed: it would carry the credential, loops, or `redirect: "error"` */
  | 'redirect'
  /** the network request failed; the message is scrubbed of credentials */
  | 'network';

/** A secretless fetch that failed. Its message never holds the credential; it has no `cause`. */
export class SecretFetchError extends Error {
  override readonly name = 'SecretFetchError';
  readonly kind: SecretFetchErrorKind;
  constructor(kind: SecretFetchErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}
