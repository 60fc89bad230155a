/**
 * @module signing
 * For a secret that is a signing key rather than a bearer secret, what leaves the gateway is
 * never the key: it is a JWT signed with it (jose), bound to one audience (by default the
 * destination's origin), to the method and URL of the request (`htm`, `htu`, as in DPoP) and
 * to a lifetime of at most a few minutes. A token that leaks is good for one place, briefly.
 */
import { randomUUID } from 'node:crypto';
import { importJWK, importPKCS8, SignJWT } from 'jose';
import type { Destination } from './destination.js';
import { VaultError } from './errors.js';
import { MAX_SIGNED_TTL_SECONDS, type SigningSpec } from './secret.js';

/** Default lifetime of a minted token. */
export const DEFAULT_SIGNED_TTL_SECONDS = 120;

export interface MintedToken {
  readonly token: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export async function mintAssertion(
  key: string,
  spec: SigningSpec,
  destination: Destination,
  name: string,
  nowMs: number,
): Promise<MintedToken> {
  let privateKey: Awaited<ReturnType<typeof importPKCS8>>;
  try {
    privateKey = key.trimStart().startsWith('{')
      ? ((await importJWK(JSON.parse(key), spec.alg)) as typeof privateKey)
      : await importPKCS8(key, spec.alg);
  } catch {
    // The import error could quote the key; say only which secret.
    throw new VaultError('format', `secret \`${name}\` is not a private ${spec.alg} key (pkcs8 pem or jwk)`);
  }
  const ttl = Math.min(spec.ttlSeconds ?? DEFAULT_SIGNED_TTL_SECONDS, MAX_SIGNED_TTL_SECONDS);
  const iat = Math.floor(nowMs / 1000);
  const header: { alg: string; typ: string; kid?: string } = { alg: spec.alg, typ: 'JWT' };
  if (spec.keyId !== undefined) header.kid = spec.keyId;
  const token = await new SignJWT({ htm: destination.method, htu: `${destination.origin}${destination.path}` })
    .setProtectedHeader(header)
    .setIssuer(spec.issuer)
    .setSubject(spec.subject ?? spec.issuer)
    .setAudience(spec.audience ?? destination.origin)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .setJti(randomUUID())
    .sign(privateKey);
  return { token, expiresAt: (iat + ttl) * 1000 };
}
