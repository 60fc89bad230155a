/**
 * @module test/attestation
 * Runtime attestation JWTs, signed in the test: a verified one (and only a verified one)
 * makes `context.session.attested` true; forged, tampered, expired, replayed (wrong nonce),
 * foreign (issuer, audience) and unsigned attestations are refused with a typed error.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  isVerifiedAttestation,
  sessionContext,
  TokenError,
  type VerifyAttestationOptions,
  verifyAttestation,
} from '../src/index.js';
import {
  ATTESTATION_AUDIENCE,
  ATTESTER,
  attestationClaims,
  makeSigningKey,
  nowSeconds,
  type SigningKey,
  sign,
  unsigned,
  withPayload,
} from './fixtures.js';

let attester: SigningKey;
let forger: SigningKey;
let opts: VerifyAttestationOptions;
beforeAll(async () => {
  attester = await makeSigningKey('att-1');
  forger = await makeSigningKey('att-1');
  const { createLocalJWKSet } = await import('jose');
  opts = {
    key: createLocalJWKSet({ keys: [attester.jwk] }),
    issuer: ATTESTER,
    audience: ATTESTATION_AUDIENCE,
    nonce: 'n-0001',
  };
});

async function refused(
  token: string | Promise<string>,
  o: Partial<VerifyAttestationOptions> = {},
): Promise<TokenError> {
  try {
    await verifyAttestation(await token, { ...opts, ...o });
  } catch (e) {
    expect(e).toBeInstanceOf(TokenError);
    return e as TokenError;
  }
  throw new Error('expected the attestation to be refused');
}

describe('verifyAttestation', () => {
  it('reads a verified attestation', async () => {
    const a = await verifyAttestation(await sign(attester, attestationClaims()), opts);
    expect(a).toMatchObject({
      attested: true,
      issuer: ATTESTER,
      subject: 'spiffe://corp.example/agents/coder',
      runtime: 'gvisor',
      measurement: 'sha256:4f1c0a7e',
      compliant: true,
      nonce: 'n-0001',
    });
    expect(isVerifiedAttestation(a)).toBe(true);
    expect(isVerifiedAttestation({ ...a })).toBe(false); // a copy is not a verified attestation
  });

  it('accepts EAT’s eat_nonce', async () => {
    const t = await sign(attester, attestationClaims({ nonce: undefined, eat_nonce: 'n-0001' }));
    expect((await verifyAttestation(t, opts)).nonce).toBe('n-0001');
  });

  it.each([
    ['expired', attestationClaims({ exp: nowSeconds() - 60 }), 'expired'],
    ['without exp', attestationClaims({ exp: undefined }), 'claim'],
    ['from another attester', attestationClaims({ iss: 'https://evil.example' }), 'issuer'],
    ['for another verifier', attestationClaims({ aud: 'https://other.example' }), 'audience'],
    ['replayed (another nonce)', attestationClaims({ nonce: 'n-0000' }), 'nonce'],
    ['without the nonce asked for', attestationClaims({ nonce: undefined }), 'nonce'],
    ['with two different nonces', attestationClaims({ eat_nonce: 'n-0002' }), 'nonce'],
    ['with a non-boolean verdict', attestationClaims({ attested: 'yes' }), 'claim'],
    ['without a verdict', attestationClaims({ attested: undefined }), 'claim'],
  ])('refuses an attestation %s', async (_what, claims, kind) => {
    expect((await refused(sign(attester, claims))).kind).toBe(kind);
  });

  it('refuses forged, tampered and unsigned attestations', async () => {
    expect((await refused(sign(forger, attestationClaims()))).kind).toBe('signature');
    const good = await sign(attester, attestationClaims({ attested: false }));
    expect((await refused(withPayload(good, attestationClaims({ attested: true })))).kind).toBe('signature');
    expect((await refused(unsigned(attestationClaims()))).kind).toBe('unsigned');
  });

  it('checks typ when asked', async () => {
    const e = await refused(sign(attester, attestationClaims()), { typ: 'eat+jwt' });
    expect(e).toMatchObject({ kind: 'type', claim: 'typ' });
    const t = await sign(attester, attestationClaims(), { header: { typ: 'eat+jwt' } });
    expect((await verifyAttestation(t, { ...opts, typ: 'eat+jwt' })).attested).toBe(true);
  });
});

describe('sessionContext with an attestation', () => {
  it('is attested only through a verified attestation that says so', async () => {
    const a = await verifyAttestation(await sign(attester, attestationClaims()), opts);
    const now = new Date();
    const s = sessionContext({ id: 's1', risk: 0, now, attestation: a });
    expect(s.attested).toBe(true);
    expect(s.attestation).toEqual({
      issuer: ATTESTER,
      runtime: 'gvisor',
      measurement: 'sha256:4f1c0a7e',
      compliant: true,
      expires: { __extn: { fn: 'datetime', arg: a.expiresAt.toISOString() } },
    });

    const no = await verifyAttestation(await sign(attester, attestationClaims({ attested: false })), opts);
    expect(sessionContext({ id: 's1', risk: 0, attestation: no }).attested).toBe(false);
    expect(sessionContext({ id: 's1', risk: 0 }).attested).toBe(false);
  });

  it('refuses a look-alike attestation object', () => {
    const fake = { attested: true, issuer: ATTESTER, compliant: true, expiresAt: new Date(Date.now() + 60_000) };
    expect(() => sessionContext({ id: 's1', risk: 0, attestation: fake as never })).toThrow(
      /not a verified attestation/,
    );
  });

  it('refuses an attestation that has expired by the session time', async () => {
    const a = await verifyAttestation(await sign(attester, attestationClaims({ exp: nowSeconds() + 30 })), opts);
    let err: unknown;
    try {
      sessionContext({ id: 's1', risk: 0, attestation: a, now: new Date(Date.now() + 120_000) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TokenError);
    expect((err as TokenError).kind).toBe('expired');
  });
});
