/**
 * @module token
 * Delegation chains from OAuth 2.0 Token Exchange (RFC 8693) access tokens, verified with
 * jose. The token's `sub` is the root user; its `act` claim is the current actor, and each
 * nested `act` a prior one, the least recent most deeply nested (RFC 8693 §4.1), so the
 * chain's hops are the `act` claims read from the inside out. `scope` (§4.2) is what the
 * actor was delegated; `may_act` (§4.4), when present, must name the actor.
 *
 * Nothing is read from a token before its signature, issuer, audience and expiry are
 * verified; a token is never "partly" trusted.
 */
import { decodeProtectedHeader, errors, type JWSAlgorithm, type JWTVerifyGetKey, jwtVerify, type KeyInput } from 'jose';
import {
  type AgentHop,
  type ChainUser,
  checkChain,
  checkDepth,
  type DelegationChain,
  isSpiffeId,
  maxDepthOf,
} from './chain.js';
import { ChainError, TokenError } from './errors.js';

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

export interface VerifyTokenOptions {
  /** The issuer's key(s): a key, or a key resolver such as `createLocalJWKSet`/`createRemoteJWKSet`. */
  readonly key: KeyInput | JWTVerifyGetKey;
  /** Expected `iss`. Required: a delegation token from just anyone proves nothing. */
  readonly issuer: string | readonly string[];
  /** Expected `aud` (this service). Required, so a token minted for another service is refused. */
  readonly audience: string | readonly string[];
  /** Allowed signature algorithms (default {@link DEFAULT_ALGORITHMS}). `none` is never allowed. */
  readonly algorithms?: readonly JWSAlgorithm[] | undefined;
  /** Clock skew tolerated for `exp`/`nbf`/`iat`, in seconds or a jose time span (`"30s"`). */
  readonly clockTolerance?: number | string | undefined;
  /** The time to check against (default now). */
  readonly currentDate?: Date | undefined;
  /** Expected `typ` header, e.g. `at+jwt` (RFC 9068); not checked when absent. */
  readonly typ?: string | undefined;
  /** Most agent hops accepted (default `DEFAULT_MAX_CHAIN_DEPTH`). */
  readonly maxDepth?: number | undefined;
  /** Claim holding the root user's groups, when the token carries them (default `groups`). */
  readonly groupsClaim?: string | undefined;
}

/** A verified delegation token: its chain and its claims. */
export interface VerifiedDelegation {
  readonly chain: DelegationChain;
  /** The verified claims set, as issued. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The token's scopes (what the actor was delegated). */
  readonly scope: readonly string[];
}

/**
 * Verify a token-exchange JWT and read its delegation chain. Throws {@link TokenError} when
 * the token is refused (unsigned, wrong algorithm, bad signature, expired, wrong issuer or
 * audience, bad delegation claims, actor not permitted by `may_act`) and {@link ChainError}
 * when its chain is too deep or repeats an agent.
 */
export async function verifyDelegationToken(token: string, opts: VerifyTokenOptions): Promise<VerifiedDelegation> {
  if (typeof token !== 'string' || token.split('.').length !== 3)
    throw new TokenError('malformed', 'not a JWS compact token (three dot-separated parts)');
  const algorithms = [...(opts.algorithms ?? DEFAULT_ALGORITHMS)];
  if (algorithms.some((a) => a.toLowerCase() === 'none'))
    throw new TypeError('`none` cannot be an allowed algorithm: unsigned tokens are always refused');
  checkHeader(token, algorithms);

  let claims: Record<string, unknown>;
  try {
    const verified = await jwtVerify(token, opts.key as KeyInput, {
      issuer: asArray(opts.issuer),
      audience: asArray(opts.audience),
      algorithms,
      // Delegation tokens must expire: a chain that never expires is the universal key the
      // whole model exists to avoid.
      requiredClaims: ['exp', 'sub'],
      ...(opts.clockTolerance === undefined ? {} : { clockTolerance: opts.clockTolerance }),
      ...(opts.currentDate === undefined ? {} : { currentDate: opts.currentDate }),
      ...(opts.typ === undefined ? {} : { typ: opts.typ }),
    });
    claims = verified.payload as Record<string, unknown>;
  } catch (e) {
    throw fromJose(e);
  }
  return readDelegation(claims, opts);
}

/** Refuse unsigned and disallowed algorithms with their own error before any key is looked up. */
function checkHeader(token: string, algorithms: readonly string[]): void {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch (e) {
    throw new TokenError('malformed', 'the token header is not valid JSON in base64url', 'alg', { cause: e });
  }
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none')
    throw new TokenError('unsigned', `unsigned token (\`alg: ${String(alg)}\`) refused`, 'alg');
  if (!algorithms.includes(alg))
    throw new TokenError('algorithm', `algorithm \`${alg}\` is not allowed (allowed: ${algorithms.join(', ')})`, 'alg');
  const [, , signature] = token.split('.');
  if (signature === '') throw new TokenError('unsigned', 'token has an empty signature', 'alg');
}

function fromJose(e: unknown): TokenError {
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  const opts = { cause: e };
  switch (code) {
    case errors.JWTExpired.code:
      return new TokenError('expired', `token expired: ${message}`, 'exp', opts);
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
      return new TokenError('malformed', `token refused: ${message}`, '', opts);
  }
}

/** Read the chain out of verified claims. */
function readDelegation(claims: Record<string, unknown>, opts: VerifyTokenOptions): VerifiedDelegation {
  const maxDepth = maxDepthOf(opts);
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') throw new TokenError('claim', '`sub` must be a non-empty string', 'sub');
  const scope = readScope(claims.scope);

  // Walk `act` from the outside (the current actor) in, without recursion and stopping as
  // soon as the limit is passed, so a token nested thousands deep costs nothing.
  const outsideIn: AgentHop[] = [];
  const seen = new Map<string, string>();
  let act: unknown = claims.act;
  let path = 'act';
  if (act === undefined) throw new TokenError('claim', 'no `act` claim: not a delegated token', 'act');
  while (act !== undefined) {
    checkDepth(outsideIn.length + 1, maxDepth);
    if (typeof act !== 'object' || act === null || Array.isArray(act))
      throw new TokenError('claim', `\`${path}\` must be a JSON object`, path);
    const a = act as Record<string, unknown>;
    const actSub = a.sub;
    if (typeof actSub !== 'string' || actSub === '')
      throw new TokenError('claim', `\`${path}.sub\` must be a non-empty string`, `${path}.sub`);
    const iss = a.iss;
    if (iss !== undefined && typeof iss !== 'string')
      throw new TokenError('claim', `\`${path}.iss\` must be a string`, `${path}.iss`);
    const earlier = seen.get(actSub);
    if (earlier !== undefined)
      throw new ChainError(
        'cycle',
        `agent \`${actSub}\` appears twice on the chain (\`${earlier}\` and \`${path}\`)`,
        path,
      );
    seen.set(actSub, path);
    outsideIn.push({
      id: actSub,
      // Only the current actor's delegation is stated by the token (its `scope`); prior
      // hops' were stated by the tokens they exchanged, which this one does not carry.
      scope: outsideIn.length === 0 ? scope : undefined,
      spiffeId: isSpiffeId(actSub) ? actSub : undefined,
      // A token cannot vouch for a runtime: attestation comes from the registry or a
      // verified attestation claim, never from the delegation token.
      attested: false,
      owner: undefined,
      groups: [],
      issuer: iss,
    });
    act = a.act;
    path = `${path}.act`;
  }
  const actor = outsideIn[0] as AgentHop;
  checkMayAct(claims.may_act, actor);

  const groupsClaim = claims[opts.groupsClaim ?? 'groups'];
  const root: ChainUser = {
    id: sub,
    groups: Array.isArray(groupsClaim) ? groupsClaim.filter((g): g is string => typeof g === 'string' && g !== '') : [],
    attrs: {},
  };
  return { chain: checkChain(root, outsideIn.reverse(), { maxDepth }), claims: Object.freeze({ ...claims }), scope };
}

/** RFC 8693 §4.2: `scope` is a space-separated list. */
function readScope(scope: unknown): string[] {
  if (scope === undefined) return [];
  if (typeof scope !== 'string') throw new TokenError('claim', '`scope` must be a space-separated string', 'scope');
  return scope.split(' ').filter((s) => s !== '');
}

/** RFC 8693 §4.4: when `may_act` names who may act for the subject, the actor must be that party. */
function checkMayAct(mayAct: unknown, actor: AgentHop): void {
  if (mayAct === undefined) return;
  if (typeof mayAct !== 'object' || mayAct === null || Array.isArray(mayAct))
    throw new TokenError('claim', '`may_act` must be a JSON object', 'may_act');
  const m = mayAct as Record<string, unknown>;
  if (m.sub !== undefined && m.sub !== actor.id)
    throw new TokenError(
      'may-act',
      `actor \`${actor.id}\` is not permitted by \`may_act\` (which names \`${String(m.sub)}\`)`,
      'may_act.sub',
    );
  if (m.iss !== undefined && m.iss !== actor.issuer)
    throw new TokenError(
      'may-act',
      `actor issuer \`${String(actor.issuer)}\` is not the one \`may_act\` names (\`${String(m.iss)}\`)`,
      'may_act.iss',
    );
}

function asArray(x: string | readonly string[]): string | string[] {
  return typeof x === 'string' ? x : [...x];
}
