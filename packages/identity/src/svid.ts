/**
 * @module svid
 * JWT-SVIDs (SPIFFE JWT-SVID specification): the JWT form of a workload's SPIFFE identity,
 * verified with jose into an agent hop. What the specification requires is enforced:
 *
 * - `alg` one of RS/ES/PS 256–512 (§2.1) — never `none`, HMAC or anything else; header
 *   parameters `alg`, `kid` and `typ` only (§2), `typ` if present `JWT` or `JOSE` (§2.3);
 * - `sub` a SPIFFE ID (§3.1), here a workload's (with a path) in a trust domain that has a
 *   trust bundle; `aud` present and naming this service (§3.2); `exp` present and not past (§3.3);
 * - the signature checked against the JWT-SVID keys (`use: "jwt-svid"`, §6.2) of the trust
 *   bundle of the `sub`'s own trust domain: a trust domain can only vouch for its own workloads
 *   (SPIFFE ID §4.1.2), so a key of `b.example` never verifies a `spiffe://a.example/…` SVID.
 *
 * The `sub` is read before the signature is checked only to pick that trust bundle; the
 * verified `sub` is then compared with it, and nothing else is read from an unverified token.
 */
import { createLocalJWKSet, decodeJwt, type JSONWebKeySet, type JWSAlgorithm, type JWTVerifyGetKey } from 'jose';
import type { AgentHop } from './chain.js';
import { SpiffeIdError, TokenError } from './errors.js';
import { allowedAlgorithms, checkHeader, type JwtTimeOptions, verifyJwt } from './jwt.js';
import { agentHopFromSpiffeId, parseSpiffeId, type SpiffeId } from './spiffe.js';

/** The algorithms JWT-SVID §2.1 permits; validators must reject any other. */
export const JWT_SVID_ALGORITHMS: readonly JWSAlgorithm[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
]);

const ALLOWED_HEADER = new Set(['alg', 'kid', 'typ']);

/**
 * A trust domain's bundle: the SPIFFE bundle's JWK set (only its `use: "jwt-svid"` keys are
 * used), or a jose key resolver such as `createRemoteJWKSet` that already yields only those.
 */
export type TrustBundle = JSONWebKeySet | JWTVerifyGetKey;

export interface VerifyJwtSvidOptions extends JwtTimeOptions {
  /**
   * Trust bundles by trust domain name (`{ 'corp.example': jwks }` or a `Map`). Only workloads
   * of these trust domains are accepted: this is the trust domain allow list.
   */
  readonly bundles: Readonly<Record<string, TrustBundle>> | ReadonlyMap<string, TrustBundle>;
  /** This service's audience value(s); the SVID's `aud` must name one (§3.2). */
  readonly audience: string | readonly string[];
  /** Allowed algorithms: a subset of {@link JWT_SVID_ALGORITHMS} (the default). */
  readonly algorithms?: readonly JWSAlgorithm[] | undefined;
  /** Facts for the hop built from the SVID. */
  readonly hop?:
    | {
        readonly owner?: string | undefined;
        readonly groups?: readonly string[] | undefined;
        readonly scope?: readonly string[] | undefined;
      }
    | undefined;
}

/** A verified JWT-SVID. */
export interface VerifiedJwtSvid {
  readonly spiffeId: SpiffeId;
  /** The workload as an agent hop: id and `spiffeId` are the SPIFFE ID; never `attested`. */
  readonly hop: AgentHop;
  /** The verified claims, as issued. */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly expiresAt: Date;
}

/**
 * Verify a JWT-SVID. Throws {@link TokenError}: `unsigned`, `algorithm`, `header`, `type`,
 * `malformed`, `claim` (`sub` not a workload SPIFFE ID), `trust-domain` (no bundle for it),
 * `signature`, `expired`, `audience`.
 */
export async function verifyJwtSvid(token: string, opts: VerifyJwtSvidOptions): Promise<VerifiedJwtSvid> {
  const algorithms = allowedAlgorithms(opts.algorithms, JWT_SVID_ALGORITHMS);
  for (const a of algorithms)
    if (!JWT_SVID_ALGORITHMS.includes(a))
      throw new TypeError(`\`${a}\` is not a JWT-SVID algorithm (allowed: ${JWT_SVID_ALGORITHMS.join(', ')})`);
  const header = checkHeader(token, algorithms, 'JWT-SVID');
  for (const name of Object.keys(header))
    if (!ALLOWED_HEADER.has(name))
      throw new TokenError(
        'header',
        `header parameter \`${name}\` is not allowed in a JWT-SVID (only alg, kid, typ)`,
        name,
      );
  if (header.typ !== undefined && header.typ !== 'JWT' && header.typ !== 'JOSE')
    throw new TokenError('type', `a JWT-SVID's \`typ\` is \`JWT\` or \`JOSE\`, not \`${String(header.typ)}\``, 'typ');

  const claimed = claimedSpiffeId(token);
  const bundle = bundleFor(opts.bundles, claimed.trustDomain);
  const { payload } = await verifyJwt(token, {
    key: keyOf(bundle, claimed.trustDomain),
    algorithms,
    audience: opts.audience,
    requiredClaims: ['exp', 'aud', 'sub'],
    clockTolerance: opts.clockTolerance,
    currentDate: opts.currentDate,
    what: 'JWT-SVID',
  });
  // The same bytes were verified, so this holds; checked because the bundle was chosen by it.
  if (payload.sub !== claimed.id) throw new TokenError('claim', '`sub` changed between reading and verifying', 'sub');

  const hop = agentHopFromSpiffeId(claimed.id, {
    trustDomains: [claimed.trustDomain],
    owner: opts.hop?.owner,
    groups: opts.hop?.groups,
    scope: opts.hop?.scope,
    issuer: `spiffe://${claimed.trustDomain}`,
  });
  return Object.freeze({
    spiffeId: claimed,
    hop,
    claims: Object.freeze({ ...payload }),
    expiresAt: new Date((payload.exp as number) * 1000),
  });
}

/** The SPIFFE ID the token claims, read unverified only to choose the trust bundle. */
function claimedSpiffeId(token: string): SpiffeId {
  let sub: unknown;
  try {
    sub = decodeJwt(token).sub;
  } catch (e) {
    throw new TokenError('malformed', 'the JWT-SVID payload is not a JSON object in base64url', '', { cause: e });
  }
  if (typeof sub !== 'string') throw new TokenError('claim', 'a JWT-SVID has a `sub`: the SPIFFE ID', 'sub');
  try {
    return parseSpiffeId(sub, { requirePath: true });
  } catch (e) {
    if (e instanceof SpiffeIdError) throw new TokenError('claim', `\`sub\`: ${e.message}`, 'sub', { cause: e });
    throw e;
  }
}

function bundleFor(bundles: VerifyJwtSvidOptions['bundles'], trustDomain: string): TrustBundle {
  // Trust domain names such as `__proto__` are valid: look them up as data, never as properties.
  const bundle =
    bundles instanceof Map
      ? (bundles as ReadonlyMap<string, TrustBundle>).get(trustDomain)
      : Object.hasOwn(bundles, trustDomain)
        ? (bundles as Readonly<Record<string, TrustBundle>>)[trustDomain]
        : undefined;
  if (bundle === undefined)
    throw new TokenError(
      'trust-domain',
      `trust domain \`${trustDomain}\` is not trusted here (no trust bundle for it)`,
      'sub',
    );
  return bundle;
}

const resolvers = new WeakMap<JSONWebKeySet, JWTVerifyGetKey>();

function keyOf(bundle: TrustBundle, trustDomain: string): JWTVerifyGetKey {
  if (typeof bundle === 'function') return bundle;
  const cached = resolvers.get(bundle);
  if (cached !== undefined) return cached;
  // §6.2: only the bundle's JWT-SVID keys verify JWT-SVIDs (X.509-SVID roots share the bundle).
  // jose accepts `use` only when absent or `sig`, so the SPIFFE `use` is dropped once selected.
  const keys = (Array.isArray(bundle.keys) ? bundle.keys : [])
    .filter((k) => k.use === 'jwt-svid')
    .map(({ use: _use, ...k }) => k);
  if (keys.length === 0)
    throw new TokenError('trust-domain', `the trust bundle of \`${trustDomain}\` has no JWT-SVID keys`, 'kid');
  const resolver = createLocalJWKSet({ keys });
  resolvers.set(bundle, resolver);
  return resolver;
}
