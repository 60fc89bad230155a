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
import type { JWSAlgorithm, JWTVerifyGetKey, KeyInput } from 'jose';
import { type AgentHop, type ChainUser, checkChain, checkDepth, type DelegationChain, maxDepthOf } from './chain.js';
import { ChainError, SpiffeIdError, TokenError } from './errors.js';
import { allowedAlgorithms, DEFAULT_ALGORITHMS, isJsonObject, readScope, verifyJwt } from './jwt.js';
import { looksLikeSpiffeId, parseSpiffeId } from './spiffe.js';

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
  /** Trust domains allowed for agents named by SPIFFE IDs (default: any); see `ChainOptions`. */
  readonly trustDomains?: readonly string[] | undefined;
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
  const { payload } = await verifyJwt(token, {
    key: opts.key,
    issuer: opts.issuer,
    audience: opts.audience,
    algorithms: allowedAlgorithms(opts.algorithms, DEFAULT_ALGORITHMS),
    // Delegation tokens must expire: a chain that never expires is the universal key the
    // whole model exists to avoid.
    requiredClaims: ['exp', 'sub'],
    typ: opts.typ,
    clockTolerance: opts.clockTolerance,
    currentDate: opts.currentDate,
    what: 'token',
  });
  return readDelegation(payload, opts);
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
    if (!isJsonObject(act)) throw new TokenError('claim', `\`${path}\` must be a JSON object`, path);
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
      // A token without `scope` says nothing about it (undefined), which is not "no scope" ([]).
      scope: outsideIn.length === 0 && claims.scope !== undefined ? scope : undefined,
      spiffeId: actorSpiffeId(actSub, `${path}.sub`),
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
  return {
    chain: checkChain(root, outsideIn.reverse(), { maxDepth, trustDomains: opts.trustDomains }),
    claims: Object.freeze({ ...claims }),
    scope,
  };
}

/** An actor named by something that starts like a SPIFFE ID must be a valid workload SPIFFE ID. */
function actorSpiffeId(sub: string, claim: string): string | undefined {
  if (!looksLikeSpiffeId(sub)) return undefined;
  try {
    return parseSpiffeId(sub, { requirePath: true }).id;
  } catch (e) {
    if (e instanceof SpiffeIdError) throw new TokenError('claim', `\`${claim}\`: ${e.message}`, claim, { cause: e });
    throw e;
  }
}

/** RFC 8693 §4.4: when `may_act` names who may act for the subject, the actor must be that party. */
function checkMayAct(mayAct: unknown, actor: AgentHop): void {
  if (mayAct === undefined) return;
  if (!isJsonObject(mayAct)) throw new TokenError('claim', '`may_act` must be a JSON object', 'may_act');
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
