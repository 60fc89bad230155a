/**
 * @module jwt
 * The one way this package verifies a JWT, whatever kind it is (delegation token, JWT-SVID,
 * transaction token, attestation): a JWS compact token, its algorithm checked against an
 * allow list before any key is looked up (`alg: none` and empty signatures refused with their
 * own error), an optional exact `typ`, then jose's signature and claim checks. Every failure
 * becomes a {@link TokenError} whose `kind` a caller can branch on.
 */
import {
  decodeProtectedHeader,
  errors,
  type JWSAlgorithm,
  type JWTHeaderParameters,
  type JWTVerifyGetKey,
  jwtVerify,
  type KeyInput,
  type ProtectedHeaderParameters,
} from 'jose';
import { TokenError } from './errors.js';

/** Algorithms accepted when none are configured: asymmetric signatures only. */
export const DEFAULT_ALGORITHMS: readonly JWSAlgorithm[] = Object.freeze([
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
]);

/** Options every verifier shares. */
export interface JwtTimeOptions {
  /** Clock skew tolerated for `exp`/`nbf`/`iat`, in seconds or a jose time span (`"30s"`). */
  readonly clockTolerance?: number | string | undefined;
  /** The time to check against (default now). */
  readonly currentDate?: Date | undefined;
}

export interface VerifyJwtParams extends JwtTimeOptions {
  readonly key: KeyInput | JWTVerifyGetKey;
  readonly algorithms: readonly JWSAlgorithm[];
  readonly issuer?: string | readonly string[] | undefined;
  readonly audience?: string | readonly string[] | undefined;
  readonly requiredClaims: readonly string[];
  /** `typ` header required (compared as media types are: case-insensitively, `application/` optional). */
  readonly typ?: string | undefined;
  /** What the token is, for messages: `transaction token`, `JWT-SVID`, … */
  readonly what: string;
  /** Refuse tokens whose `iat` is older than this (seconds or a jose time span). */
  readonly maxTokenAge?: number | string | undefined;
}

export interface VerifiedJwt {
  readonly payload: Record<string, unknown>;
  readonly header: JWTHeaderParameters;
}

/** Refuse an allow list that contains `none` (a configuration error, not a token error). */
export function allowedAlgorithms(
  given: readonly JWSAlgorithm[] | undefined,
  defaults: readonly JWSAlgorithm[],
): JWSAlgorithm[] {
  const algorithms = [...(given ?? defaults)];
  if (algorithms.some((a) => a.toLowerCase() === 'none'))
    throw new TypeError('`none` cannot be an allowed algorithm: unsigned tokens are always refused');
  return algorithms;
}

/**
 * Read a token's protected header without trusting it, after checking it is a JWS compact
 * token signed with an allowed algorithm. Used before key lookup, so that a token with
 * `alg: none` or a foreign algorithm never reaches a key resolver.
 */
export function checkHeader(token: unknown, algorithms: readonly string[], what: string): ProtectedHeaderParameters {
  if (typeof token !== 'string' || token.split('.').length !== 3)
    throw new TokenError('malformed', `not a JWS compact ${what} (three dot-separated parts)`);
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch (e) {
    throw new TokenError('malformed', `the ${what} header is not valid JSON in base64url`, 'alg', { cause: e });
  }
  const alg: unknown = header.alg;
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none')
    throw new TokenError('unsigned', `unsigned ${what} (\`alg: ${String(alg)}\`) refused`, 'alg');
  if (!algorithms.includes(alg))
    throw new TokenError('algorithm', `algorithm \`${alg}\` is not allowed (allowed: ${algorithms.join(', ')})`, 'alg');
  const [, , signature] = token.split('.');
  if (signature === '') throw new TokenError('unsigned', `${what} has an empty signature`, 'alg');
  return header;
}

/** Verify `token` with jose; every refusal is a {@link TokenError}. */
export async function verifyJwt(token: string, p: VerifyJwtParams): Promise<VerifiedJwt> {
  const header = checkHeader(token, p.algorithms, p.what);
  if (p.typ !== undefined && (typeof header.typ !== 'string' || normalizeTyp(header.typ) !== normalizeTyp(p.typ)))
    throw new TokenError(
      'type',
      `a ${p.what} has \`typ: ${p.typ}\`, this one ${header.typ === undefined ? 'has none' : `\`typ: ${String(header.typ)}\``}`,
      'typ',
    );
  try {
    const verified = await jwtVerify(token, p.key as KeyInput, {
      algorithms: [...p.algorithms],
      requiredClaims: [...p.requiredClaims],
      ...(p.issuer === undefined ? {} : { issuer: asArray(p.issuer) }),
      ...(p.audience === undefined ? {} : { audience: asArray(p.audience) }),
      ...(p.clockTolerance === undefined ? {} : { clockTolerance: p.clockTolerance }),
      ...(p.currentDate === undefined ? {} : { currentDate: p.currentDate }),
      ...(p.maxTokenAge === undefined ? {} : { maxTokenAge: p.maxTokenAge }),
    });
    return { payload: verified.payload as Record<string, unknown>, header: verified.protectedHeader };
  } catch (e) {
    throw fromJose(e, p.what);
  }
}

/** jose's errors as {@link TokenError}s. */
export function fromJose(e: unknown, what = 'token'): TokenError {
  if (e instanceof TokenError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  const opts = { cause: e };
  switch (code) {
    case errors.JWTExpired.code:
      return new TokenError('expired', `${what} expired: ${message}`, 'exp', opts);
    case errors.JWTClaimValidationFailed.code: {
      const claim = (e as errors.JWTClaimValidationFailed).claim;
      if (claim === 'iss') return new TokenError('issuer', `unexpected issuer: ${message}`, 'iss', opts);
      if (claim === 'aud') return new TokenError('audience', `unexpected audience: ${message}`, 'aud', opts);
      return new TokenError('claim', `claim \`${claim}\` refused: ${message}`, claim, opts);
    }
    case errors.JOSEAlgNotAllowed.code:
      return new TokenError('algorithm', message, 'alg', opts);
    case errors.JWSSignatureVerificationFailed.code:
    case errors.JWKSNoMatchingKey.code:
    case errors.JWKSMultipleMatchingKeys.code:
      return new TokenError('signature', `signature does not verify: ${message}`, '', opts);
    default:
      return new TokenError('malformed', `${what} refused: ${message}`, '', opts);
  }
}

/** RFC 8693 §4.2: `scope` is a space-separated list (deduplicated here, order kept). */
export function readScope(scope: unknown, claim = 'scope'): string[] {
  if (scope === undefined) return [];
  if (typeof scope !== 'string') throw new TokenError('claim', `\`${claim}\` must be a space-separated string`, claim);
  return [...new Set(scope.split(' ').filter((s) => s !== ''))];
}

/** A JSON object claim (not an array, not null). */
export function isJsonObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** RFC 7515 §4.1.9: `typ` is a media type whose `application/` prefix may be left out. */
function normalizeTyp(typ: string): string {
  const t = typ.toLowerCase();
  return t.startsWith('application/') ? t.slice('application/'.length) : t;
}

function asArray(x: string | readonly string[]): string | string[] {
  return typeof x === 'string' ? x : [...x];
}
