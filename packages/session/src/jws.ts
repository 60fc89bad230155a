/**
 * @module jws
 * Verification shared by intent mandates and approvals: the same refusals, in the same
 * order, for both. Unsigned tokens and algorithms outside the allowed list are refused from
 * the header before any key is looked up; then jose checks the signature, issuer, audience,
 * expiry and `typ`. The `typ` header keeps the two kinds of token apart, so an approval can
 * never be replayed as an intent (or the reverse) even when one key signs both.
 */
import { allowedAlgorithms, checkHeader, DEFAULT_ALGORITHMS, TokenError, verifyJwt } from '@mandate/identity';
import type { JWSAlgorithm, JWTPayload, JWTVerifyGetKey, KeyInput } from 'jose';
import type { TokenFailureKind } from './errors.js';

/** How to verify tokens of one kind: whose keys, which issuer, for which audience. */
export interface TokenVerifyOptions {
  /** The signer's key(s): a public key, or a resolver such as `createLocalJWKSet`/`createRemoteJWKSet`. */
  readonly key: KeyInput | JWTVerifyGetKey;
  /** Expected `iss`. */
  readonly issuer: string | readonly string[];
  /** Expected `aud` (this service). */
  readonly audience: string | readonly string[];
  /** Allowed algorithms (default: asymmetric ones, as `@mandate/identity`'s `DEFAULT_ALGORITHMS`). `none` never is. */
  readonly algorithms?: readonly JWSAlgorithm[] | undefined;
  /** Clock skew tolerated for `exp`/`nbf`/`iat`, in seconds or a jose time span (`"30s"`). */
  readonly clockTolerance?: number | string | undefined;
}

export interface VerifyJwsRequest {
  readonly typ: string;
  readonly requiredClaims: readonly string[];
  readonly currentDate: Date;
  readonly maxTokenAge?: string | number | undefined;
}

export type JwsResult =
  | { readonly ok: true; readonly payload: JWTPayload }
  | {
      readonly ok: false;
      readonly kind: TokenFailureKind;
      readonly message: string;
      readonly claim: string;
      readonly cause?: unknown;
    };

/**
 * Verify a compact JWS; never throws (the caller wraps a refusal in its own error type).
 * The checks are `@mandate/identity`'s (`checkHeader`, `verifyJwt`): this adds only the
 * exact `typ` match that keeps intents and approvals apart, after the header checks.
 */
export async function verifyJws(token: unknown, opts: TokenVerifyOptions, req: VerifyJwsRequest): Promise<JwsResult> {
  const algorithms = allowedAlgorithms(opts.algorithms, DEFAULT_ALGORITHMS);
  try {
    const header = checkHeader(token, algorithms, 'token');
    if (header.typ !== req.typ)
      return fail('type', `token type \`${String(header.typ)}\` is not \`${req.typ}\``, 'typ');
    const { payload } = await verifyJwt(token as string, {
      key: opts.key,
      algorithms,
      issuer: opts.issuer,
      audience: opts.audience,
      requiredClaims: req.requiredClaims,
      currentDate: req.currentDate,
      clockTolerance: opts.clockTolerance,
      maxTokenAge: req.maxTokenAge,
      what: 'token',
    });
    return { ok: true, payload: payload as JWTPayload };
  } catch (e) {
    if (!(e instanceof TokenError)) throw e;
    // Only the kinds the header checks, jose and the claim checks produce reach here.
    return fail(e.kind as TokenFailureKind, e.message, e.claim, e.cause);
  }
}

function fail(kind: TokenFailureKind, message: string, claim: string, cause?: unknown): JwsResult {
  return cause === undefined ? { ok: false, kind, message, claim } : { ok: false, kind, message, claim, cause };
}
