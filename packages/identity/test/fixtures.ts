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
