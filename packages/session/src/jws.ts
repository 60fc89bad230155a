/**
 * @module jws
 * Verification shared by intent mandates and approvals: the same refusals, in the same
 * order, for both. Unsigned tokens and algorithms outside the allowed list are refused from
 * the header before any key is looked up; then jose checks the signature, issuer, audience,
 * expiry and `typ`. The `typ` header keeps the two kinds of token apart, so an approval can
 * never be replayed as an intent (or the reverse) even when one key signs both.
 */
import { DEFAULT_ALGORITHMS } from '@mandate/identity';
import {
  decodeProtectedHeader,
  errors,
  type JWSAlgorithm,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  type KeyInput,
} from 'jose';
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

/** Verify a compact JWS; never throws (the caller wraps a refusal in its own error type). */
export async function verifyJws(token: unknown, opts: TokenVerifyOptions, req: VerifyJwsRequest): Promise<JwsResult> {
  if (typeof token !== 'string' || token.split('.').length !== 3)
    return fail('malformed', 'not a JWS compact token (three dot-separated parts)', '');
  const algorithms = [...(opts.algorithms ?? DEFAULT_ALGORITHMS)];
  if (algorithms.some((a) => a.toLowerCase() === 'none'))
    throw new TypeError('`none` cannot be an allowed algorithm: unsigned tokens are always refused');
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch (e) {
    return fail('malformed', 'the token header is not valid JSON in base64url', 'alg', e);
  }
  const alg = header.alg;
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none')
    return fail('unsigned', `unsigned token (\`alg: ${String(alg)}\`) refused`, 'alg');
  if (!algorithms.includes(alg as JWSAlgorithm))
    return fail('algorithm', `algorithm \`${alg}\` is not allowed (allowed: ${algorithms.join(', ')})`, 'alg');
  if (token.endsWith('.')) return fail('unsigned', 'token has an empty signature', 'alg');
  if (header.typ !== req.typ) return fail('type', `token type \`${String(header.typ)}\` is not \`${req.typ}\``, 'typ');
  try {
    const { payload } = await jwtVerify(token, opts.key as KeyInput, {
      issuer: asArray(opts.issuer),
      audience: asArray(opts.audience),
      algorithms,
      typ: req.typ,
      requiredClaims: [...req.requiredClaims],
      currentDate: req.currentDate,
      ...(opts.clockTolerance === undefined ? {} : { clockTolerance: opts.clockTolerance }),
      ...(req.maxTokenAge === undefined ? {} : { maxTokenAge: req.maxTokenAge }),
    });
    return { ok: true, payload };
  } catch (e) {
    return fromJose(e);
  }
}

function fromJose(e: unknown): JwsResult {
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  switch (code) {
    case errors.JWTExpired.code:
      return fail('expired', `token expired: ${message}`, 'exp', e);
    case errors.JWTClaimValidationFailed.code: {
      const claim = (e as errors.JWTClaimValidationFailed).claim;
      if (claim === 'iss') return fail('issuer', `unexpected issuer: ${message}`, 'iss', e);
      if (claim === 'aud') return fail('audience', `unexpected audience: ${message}`, 'aud', e);
      if (claim === 'typ') return fail('type', `unexpected token type: ${message}`, 'typ', e);
      return fail('claim', `claim \`${claim}\` refused: ${message}`, claim, e);
    }
    case errors.JOSEAlgNotAllowed.code:
      return fail('algorithm', message, 'alg', e);
    case errors.JWSSignatureVerificationFailed.code:
    case errors.JWKSNoMatchingKey.code:
    case errors.JWKSMultipleMatchingKeys.code:
      return fail('signature', `signature does not verify: ${message}`, '', e);
    default:
      return fail('malformed', `token refused: ${message}`, '', e);
  }
}

function fail(kind: TokenFailureKind, message: string, claim: string, cause?: unknown): JwsResult {
  return cause === undefined ? { ok: false, kind, message, claim } : { ok: false, kind, message, claim, cause };
}

function asArray(x: string | readonly string[]): string | string[] {
  return typeof x === 'string' ? x : [...x];
}
