/**
 * @module test/fixtures
 * Shared test material: the Mandate schema and example policies from `policies/`, keys
 * generated per run, and a token minter that signs RFC 8693 delegation tokens with them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CryptoKey, createLocalJWKSet, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

const policiesDir = join(import.meta.dirname, '..', '..', '..', 'policies');
export const readPolicyFile = (rel: string): string => readFileSync(join(policiesDir, rel), 'utf8');
export const SCHEMA = readPolicyFile('schema/mandate.cedarschema');

export const ISSUER = 'https://as.example.com';
export const AUDIENCE = 'https://mandate.example.com';

export interface Keys {
  readonly privateKey: CryptoKey;
  readonly jwks: ReturnType<typeof createLocalJWKSet>;
  readonly kid: string;
}

export async function makeKeys(kid = 'k1'): Promise<Keys> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { privateKey, jwks: createLocalJWKSet({ keys: [jwk] }), kid };
}

/** Nested `act` claims for actors given oldest first (the actor last, outermost). */
export function actClaim(agents: readonly string[]): Record<string, unknown> | undefined {
  let act: Record<string, unknown> | undefined;
  for (const sub of agents) act = act === undefined ? { sub } : { sub, act };
  return act;
}

export interface MintOptions {
  readonly sub?: string;
  readonly agents?: readonly string[];
  readonly claims?: JWTPayload;
  readonly iss?: string;
  readonly aud?: string;
  readonly exp?: number | string;
}

export async function mint(keys: Keys, opts: MintOptions = {}): Promise<string> {
  const payload: JWTPayload = { scope: 'files:read files:write', ...opts.claims };
  const act = actClaim(opts.agents ?? ['planner', 'coder', 'runner']);
  if (act !== undefined && !('act' in payload)) payload.act = act;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'at+jwt' })
    .setSubject(opts.sub ?? 'alice')
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m')
    .sign(keys.privateKey);
}

export const datetime = (s: string) => ({ __extn: { fn: 'datetime', arg: s } });
export const ipaddr = (s: string) => ({ __extn: { fn: 'ip', arg: s } });

/** A quiet session context record in Cedar JSON. */
export function session(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 's1', attested: true, risk: 0, now: datetime('2026-01-15T10:00:00Z'), labels: [], ...over };
}

// ---- JWT-SVIDs, transaction tokens, attestations ------------------------------------------

export const TRUST_DOMAIN = 'corp.example';
export const SVID_AUDIENCE = 'spiffe://corp.example/mandate';
export const TXN_AUDIENCE = 'corp.example';
export const ATTESTER = 'https://attester.corp.example';
export const ATTESTATION_AUDIENCE = 'https://mandate.example.com/attestation';

/** A signing key with its public JWK, for tokens whose keys are given as a JWK set. */
export interface SigningKey {
  readonly privateKey: CryptoKey;
  readonly jwk: Record<string, unknown>;
  readonly kid: string;
  readonly alg: string;
}

export async function makeSigningKey(kid: string, alg = 'ES256', use = 'sig'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use }, kid, alg };
}

/** A SPIFFE bundle (JWK set) holding the public keys given, with the `use` each was made with. */
export function spiffeBundle(...keys: SigningKey[]): { keys: Record<string, unknown>[] } {
  return { keys: keys.map((k) => k.jwk) };
}

export interface SignOptions {
  readonly header?: Record<string, unknown>;
  readonly iat?: number;
}

/** Sign `payload` as given (no claims added), with `alg` and `kid` from the key. */
export function sign(key: SigningKey, payload: JWTPayload, opts: SignOptions = {}): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, ...opts.header }).sign(key.privateKey);
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function svidClaims(over: Record<string, unknown> = {}): JWTPayload {
  return { sub: 'spiffe://corp.example/agents/coder', aud: [SVID_AUDIENCE], exp: nowSeconds() + 300, ...over };
}

export function txnClaims(over: Record<string, unknown> = {}): JWTPayload {
  const iat = nowSeconds();
  return {
    iat,
    exp: iat + 120,
    aud: TXN_AUDIENCE,
    txn: '97053963-771d-49cc-a4e3-20aad399c312',
    sub: 'alice',
    scope: 'files:read secrets:use',
    req_wl: 'spiffe://corp.example/agents/gateway',
    rctx: { req_ip: '10.1.2.3', authn: 'mfa' },
    tctx: { purpose: 'code-review', action: 'read', ticket: 'SEC-1', priority: 2, nested: { geo: 'EU' } },
    ...over,
  };
}

export const TXN_HEADER = { typ: 'txntoken+jwt' };

export function attestationClaims(over: Record<string, unknown> = {}): JWTPayload {
  return {
    iss: ATTESTER,
    aud: ATTESTATION_AUDIENCE,
    sub: 'spiffe://corp.example/agents/coder',
    exp: nowSeconds() + 600,
    attested: true,
    runtime: 'gvisor',
    measurement: 'sha256:4f1c0a7e',
    compliant: true,
    nonce: 'n-0001',
    ...over,
  };
}

/** Replace the payload of a signed token, keeping header and signature (a tampered token). */
export function withPayload(token: string, payload: Record<string, unknown>): string {
  const [h, , s] = token.split('.') as [string, string, string];
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
}

/** An unsigned (`alg: none`) token with the given header and payload. */
export function unsigned(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const b = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
  return `${b({ alg: 'none', ...header })}.${b(payload)}.`;
}
