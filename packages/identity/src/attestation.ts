/**
 * @module attestation
 * Runtime attestation: a signed statement from an attester (a TEE quote verifier, a
 * confidential-computing service, an EDR agent) that the agent's runtime is what it should
 * be. It arrives as a JWT and is verified with jose against the attester's keys, issuer,
 * audience, expiry and, when the session asked for one, its nonce (so an old attestation
 * cannot be replayed into a new session).
 *
 * Claims read (the attester's JSON, validated with zod): `attested` (boolean, required),
 * `runtime` and `measurement` (strings: what ran and its digest), `compliant` (boolean,
 * default false) and `nonce` (or EAT's `eat_nonce`, RFC 9711).
 *
 * `context.session.attested` is `true` only through a {@link VerifiedAttestation} this module
 * returned: results are remembered in a private `WeakSet`, so an object that merely looks
 * like one (`{ attested: true }`) is refused by `sessionContext`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { JWSAlgorithm, JWTVerifyGetKey, KeyInput } from 'jose';
import { z } from 'zod';
import { TokenError } from './errors.js';
import { allowedAlgorithms, DEFAULT_ALGORITHMS, type JwtTimeOptions, verifyJwt } from './jwt.js';

export interface VerifyAttestationOptions extends JwtTimeOptions {
  /** The attester's key(s): a key or a jose key resolver. */
  readonly key: KeyInput | JWTVerifyGetKey;
  /** Expected `iss`: the attester. Required — an attestation from anyone proves nothing. */
  readonly issuer: string | readonly string[];
  /** Expected `aud` (this verifier). Required, so an attestation made for another is refused. */
  readonly audience: string | readonly string[];
  /** The nonce this session issued; when given, the attestation must carry exactly it. */
  readonly nonce?: string | undefined;
  /** Allowed algorithms (default: asymmetric ones). `none` is never allowed. */
  readonly algorithms?: readonly JWSAlgorithm[] | undefined;
  /** Expected `typ` header, when the attester sets one (e.g. `eat+jwt`). */
  readonly typ?: string | undefined;
}

/** A verified attestation. Only {@link verifyAttestation} makes these. */
export interface VerifiedAttestation {
  /** The attester's verdict: the runtime was attested. */
  readonly attested: boolean;
  /** The attester (`iss`). */
  readonly issuer: string;
  /** What was attested (`sub`), e.g. the agent's SPIFFE ID. */
  readonly subject: string | undefined;
  readonly runtime: string | undefined;
  readonly measurement: string | undefined;
  /** Whether the runtime meets the attester's compliance policy. */
  readonly compliant: boolean;
  readonly nonce: string | undefined;
  readonly expiresAt: Date;
  readonly claims: Readonly<Record<string, unknown>>;
}

const attestationClaims = z.object({
  iss: z.string().min(1),
  sub: z.string().min(1).optional(),
  attested: z.boolean({ error: 'must be a boolean' }),
  runtime: z.string().min(1).optional(),
  measurement: z.string().min(1).optional(),
  compliant: z.boolean().optional(),
  nonce: z.string().min(1).optional(),
  eat_nonce: z.string().min(1).optional(),
});

const genuine = new WeakSet<object>();

/** Whether `x` was returned by {@link verifyAttestation} (and not built by hand). */
export function isVerifiedAttestation(x: unknown): x is VerifiedAttestation {
  return typeof x === 'object' && x !== null && genuine.has(x);
}

/**
 * Verify an attestation JWT. Throws {@link TokenError}: `unsigned`, `algorithm`, `signature`
 * (forged or tampered), `expired`, `issuer`, `audience`, `type`, `nonce` (missing or not the
 * expected one), `claim` (an attestation claim of the wrong type).
 */
export async function verifyAttestation(token: string, opts: VerifyAttestationOptions): Promise<VerifiedAttestation> {
  const { payload } = await verifyJwt(token, {
    key: opts.key,
    issuer: opts.issuer,
    audience: opts.audience,
    algorithms: allowedAlgorithms(opts.algorithms, DEFAULT_ALGORITHMS),
    // An attestation that never expires would vouch for a runtime long after it changed.
    requiredClaims: ['exp', 'iss', 'aud'],
    typ: opts.typ,
    clockTolerance: opts.clockTolerance,
    currentDate: opts.currentDate,
    what: 'attestation',
  });
  const parsed = attestationClaims.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const claim = issue.path.map(String).join('.');
    throw new TokenError('claim', `attestation claim \`${claim}\` ${issue.message}`, claim);
  }
  const c = parsed.data;
  if (c.nonce !== undefined && c.eat_nonce !== undefined && c.nonce !== c.eat_nonce)
    throw new TokenError('nonce', 'attestation has two different nonces (`nonce` and `eat_nonce`)', 'nonce');
  const nonce = c.nonce ?? c.eat_nonce;
  if (opts.nonce !== undefined) {
    if (nonce === undefined)
      throw new TokenError('nonce', 'attestation has no nonce, but this session asked for one', 'nonce');
    if (!sameString(nonce, opts.nonce))
      throw new TokenError('nonce', `attestation nonce \`${nonce}\` is not the one this session issued`, 'nonce');
  }
  const result: VerifiedAttestation = Object.freeze({
    attested: c.attested,
    issuer: c.iss,
    subject: c.sub,
    runtime: c.runtime,
    measurement: c.measurement,
    compliant: c.compliant ?? false,
    nonce,
    expiresAt: new Date((payload.exp as number) * 1000),
    claims: Object.freeze({ ...payload }),
  });
  genuine.add(result);
  return result;
}

/** Constant-time comparison, so the expected nonce cannot be learned by timing. */
function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
