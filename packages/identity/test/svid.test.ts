/**
 * @module test/svid
 * JWT-SVIDs signed in the test with keys of per-trust-domain SPIFFE bundles: a valid one
 * becomes an agent hop with its SPIFFE ID; everything the JWT-SVID specification says a
 * validator must reject is refused with a typed error — and a trust domain can only vouch for
 * its own workloads.
 */
import { createLocalJWKSet } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildChain, checkChain, TokenError, type VerifyJwtSvidOptions, verifyJwtSvid } from '../src/index.js';
import {
  makeSigningKey,
  nowSeconds,
  type SigningKey,
  SVID_AUDIENCE,
  sign,
  spiffeBundle,
  svidClaims,
  unsigned,
  withPayload,
} from './fixtures.js';

let corp: SigningKey;
let partner: SigningKey;
let x509Root: SigningKey;
let opts: VerifyJwtSvidOptions;
beforeAll(async () => {
  corp = await makeSigningKey('corp-1', 'ES256', 'jwt-svid');
  partner = await makeSigningKey('partner-1', 'RS256', 'jwt-svid');
  // A bundle also holds X.509-SVID authorities; they must never verify a JWT-SVID.
  x509Root = await makeSigningKey('corp-x509', 'ES256', 'x509-svid');
  opts = {
    bundles: { 'corp.example': spiffeBundle(corp, x509Root), 'partner.example': spiffeBundle(partner) },
    audience: SVID_AUDIENCE,
  };
});

async function refused(token: string | Promise<string>, o: Partial<VerifyJwtSvidOptions> = {}): Promise<TokenError> {
  try {
    await verifyJwtSvid(await token, { ...opts, ...o });
  } catch (e) {
    expect(e).toBeInstanceOf(TokenError);
    return e as TokenError;
  }
  throw new Error('expected the JWT-SVID to be refused');
}

describe('verifyJwtSvid', () => {
  it('turns a valid JWT-SVID into a hop with its SPIFFE ID', async () => {
    const v = await verifyJwtSvid(await sign(corp, svidClaims(), { header: { typ: 'JWT' } }), {
      ...opts,
      hop: { owner: 'ops', groups: ['coders'] },
    });
    expect(v.spiffeId).toMatchObject({ trustDomain: 'corp.example', path: '/agents/coder' });
    expect(v.hop).toEqual({
      id: 'spiffe://corp.example/agents/coder',
      spiffeId: 'spiffe://corp.example/agents/coder',
      scope: undefined,
      attested: false,
      owner: 'ops',
      groups: ['coders'],
      issuer: 'spiffe://corp.example',
    });
    expect(v.expiresAt.getTime()).toBeGreaterThan(Date.now());
    // the hop goes on a chain like any other
    const chain = checkChain({ id: 'alice', groups: [], attrs: {} }, [v.hop], { trustDomains: ['corp.example'] });
    expect(chain.actor.spiffeId).toBe('spiffe://corp.example/agents/coder');
  });

  it('uses each trust domain’s own bundle (RSA for partner.example), a Map or a resolver', async () => {
    const t = await sign(partner, svidClaims({ sub: 'spiffe://partner.example/billing' }));
    expect((await verifyJwtSvid(t, opts)).spiffeId.trustDomain).toBe('partner.example');
    const map = new Map([['partner.example', createLocalJWKSet({ keys: [{ ...partner.jwk, use: 'sig' }] })]]);
    expect((await verifyJwtSvid(t, { ...opts, bundles: map })).hop.id).toBe('spiffe://partner.example/billing');
  });

  it('refuses an SVID signed by another trust domain’s key (a domain vouches only for its own)', async () => {
    const e = await refused(sign(partner, svidClaims({ sub: 'spiffe://corp.example/agents/coder' })));
    expect(e.kind).toBe('signature');
  });

  it('refuses keys that are not JWT-SVID keys of the bundle', async () => {
    expect((await refused(sign(x509Root, svidClaims()))).kind).toBe('signature');
    const e = await refused(sign(corp, svidClaims()), { bundles: { 'corp.example': spiffeBundle(x509Root) } });
    expect(e.kind).toBe('trust-domain');
    expect(e.message).toContain('has no JWT-SVID keys');
  });

  it('refuses trust domains without a bundle, __proto__ included', async () => {
    const e = await refused(sign(corp, svidClaims({ sub: 'spiffe://evil.example/agents/coder' })));
    expect(e).toMatchObject({ kind: 'trust-domain', claim: 'sub' });
    expect(e.message).toBe('trust domain `evil.example` is not trusted here (no trust bundle for it)');
    expect((await refused(sign(corp, svidClaims({ sub: 'spiffe://__proto__/x' })))).kind).toBe('trust-domain');
  });

  it.each([
    ['no aud', svidClaims({ aud: undefined }), 'audience'],
    ['another aud', svidClaims({ aud: ['spiffe://corp.example/other'] }), 'audience'],
    ['no exp', svidClaims({ exp: undefined }), 'claim'],
    ['an expired exp', svidClaims({ exp: nowSeconds() - 60 }), 'expired'],
    ['no sub', svidClaims({ sub: undefined }), 'claim'],
    ['a sub that is not a SPIFFE ID', svidClaims({ sub: 'coder' }), 'claim'],
    ['a malformed SPIFFE ID', svidClaims({ sub: 'spiffe://corp.example/a/../b' }), 'claim'],
    ['a trust domain ID as sub', svidClaims({ sub: 'spiffe://corp.example' }), 'claim'],
  ])('refuses an SVID with %s', async (_what, claims, kind) => {
    expect((await refused(sign(corp, claims))).kind).toBe(kind);
  });

  it('says what is wrong with the sub', async () => {
    const e = await refused(sign(corp, svidClaims({ sub: 'spiffe://Corp.example/a' })));
    expect(e).toMatchObject({ kind: 'claim', claim: 'sub' });
    expect(e.message).toContain('the trust domain must be lowercase');
  });

  it('refuses alg none, HMAC and algorithms the spec does not list', async () => {
    expect((await refused(unsigned(svidClaims()))).kind).toBe('unsigned');
    const ed = await makeSigningKey('ed', 'EdDSA', 'jwt-svid');
    expect((await refused(sign(ed, svidClaims()))).kind).toBe('algorithm');
    const hs = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(svidClaims())).toString('base64url')}.c2ln`;
    expect((await refused(hs)).kind).toBe('algorithm');
    await expect(verifyJwtSvid('x.y.z', { ...opts, algorithms: ['HS256'] })).rejects.toThrow(TypeError);
    await expect(verifyJwtSvid('x.y.z', { ...opts, algorithms: ['none' as 'ES256'] })).rejects.toThrow(TypeError);
    // narrowing the list is allowed
    expect((await refused(sign(corp, svidClaims()), { algorithms: ['RS256'] })).kind).toBe('algorithm');
  });

  it('refuses header parameters other than alg, kid, typ, and typ other than JWT/JOSE', async () => {
    const jku = await refused(sign(corp, svidClaims(), { header: { jku: 'https://evil.example/jwks' } }));
    expect(jku).toMatchObject({ kind: 'header', claim: 'jku' });
    expect((await refused(sign(corp, svidClaims(), { header: { typ: 'at+jwt' } }))).kind).toBe('type');
    expect((await verifyJwtSvid(await sign(corp, svidClaims(), { header: { typ: 'JOSE' } }), opts)).hop.id).toBe(
      'spiffe://corp.example/agents/coder',
    );
  });

  it('refuses tampered and forged SVIDs', async () => {
    const t = await sign(corp, svidClaims());
    expect((await refused(withPayload(t, svidClaims({ sub: 'spiffe://corp.example/agents/admin' })))).kind).toBe(
      'signature',
    );
    const forger = await makeSigningKey('corp-1', 'ES256', 'jwt-svid');
    expect((await refused(sign(forger, svidClaims()))).kind).toBe('signature');
    expect((await refused('not.a-token')).kind).toBe('malformed');
  });

  it('gives hops that build chains (and their limits apply)', async () => {
    const v = await verifyJwtSvid(await sign(corp, svidClaims()), opts);
    const chain = buildChain({ root: { id: 'alice' }, hops: [{ id: 'planner' }, { id: v.hop.id }] });
    expect(chain.actor.spiffeId).toBe(v.spiffeId.id);
  });
});
