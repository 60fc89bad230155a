/**
 * @module test/token
 * RFC 8693 delegation tokens, signed in the test with freshly generated keys: a valid chain is
 * read hop by hop; every way a token can be wrong is refused with a typed error naming the
 * claim — never a chain.
 */
import { base64url, CompactSign, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ChainError,
  DEFAULT_MAX_CHAIN_DEPTH,
  TokenError,
  type VerifyTokenOptions,
  verifyDelegationToken,
} from '../src/index.js';
import { AUDIENCE, actClaim, ISSUER, type Keys, makeKeys, mint } from './fixtures.js';

let keys: Keys;
let other: Keys;
let opts: VerifyTokenOptions;
beforeAll(async () => {
  keys = await makeKeys('k1');
  other = await makeKeys('k1'); // same kid, different key: a forger's
  opts = { key: keys.jwks, issuer: ISSUER, audience: AUDIENCE };
});

async function refused(token: string | Promise<string>, o?: Partial<VerifyTokenOptions>): Promise<Error> {
  try {
    await verifyDelegationToken(await token, { ...opts, ...o });
  } catch (e) {
    expect(e instanceof TokenError || e instanceof ChainError).toBe(true);
    return e as Error;
  }
  throw new Error('expected the token to be refused');
}

function tamper(token: string, edit: (payload: Record<string, unknown>) => void): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p)));
  edit(payload);
  return `${h}.${base64url.encode(JSON.stringify(payload))}.${s}`;
}

describe('verifyDelegationToken', () => {
  it('reads a 3-hop chain: sub is the root, act nests from the actor inwards', async () => {
    const v = await verifyDelegationToken(await mint(keys, { claims: { groups: ['staff'] } }), opts);
    expect(v.chain.root).toEqual({ id: 'alice', groups: ['staff'], attrs: {} });
    expect(v.chain.hops.map((h) => h.id)).toEqual(['planner', 'coder', 'runner']);
    expect(v.chain.actor.id).toBe('runner');
    expect(v.chain.depth).toBe(3);
    expect(v.scope).toEqual(['files:read', 'files:write']);
    expect(v.chain.actor.scope).toEqual(['files:read', 'files:write']);
    expect(v.chain.hops[0]?.scope).toBeUndefined();
    // a token cannot vouch for a runtime
    expect(v.chain.hops.every((h) => !h.attested)).toBe(true);
    expect(v.claims.sub).toBe('alice');
  });

  it('recognizes SPIFFE IDs of agents and act issuers', async () => {
    const act = { sub: 'spiffe://corp.example/agents/coder', iss: 'https://agents.example' };
    const v = await verifyDelegationToken(await mint(keys, { claims: { act } }), opts);
    expect(v.chain.actor).toMatchObject({ spiffeId: act.sub, issuer: act.iss });
  });

  it('accepts the actor may_act names, and refuses another', async () => {
    const ok = await mint(keys, { claims: { may_act: { sub: 'runner' } } });
    expect((await verifyDelegationToken(ok, opts)).chain.actor.id).toBe('runner');
    const e = await refused(mint(keys, { claims: { may_act: { sub: 'planner' } } }));
    expect(e).toMatchObject({ kind: 'may-act', claim: 'may_act.sub' });
    expect(e.message).toContain('actor `runner` is not permitted by `may_act`');
  });

  it('refuses an expired token', async () => {
    const e = await refused(mint(keys, { exp: Math.floor(Date.now() / 1000) - 60 }));
    expect(e).toMatchObject({ kind: 'expired', claim: 'exp' });
  });

  it('refuses a token without exp: delegation must expire', async () => {
    const t = await new SignJWT({ act: { sub: 'a' } })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('alice')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(keys.privateKey);
    expect(await refused(t)).toMatchObject({ kind: 'claim', claim: 'exp' });
  });

  it('refuses a token for another audience', async () => {
    expect(await refused(mint(keys, { aud: 'https://other.example.com' }))).toMatchObject({
      kind: 'audience',
      claim: 'aud',
    });
  });

  it('refuses a token from another issuer', async () => {
    expect(await refused(mint(keys, { iss: 'https://evil.example.com' }))).toMatchObject({
      kind: 'issuer',
      claim: 'iss',
    });
  });

  it('refuses alg: none and unsigned tokens', async () => {
    const none = new UnsecuredJWT({ act: actClaim(['planner']) })
      .setSubject('alice')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .encode();
    expect(await refused(none)).toMatchObject({ kind: 'unsigned', claim: 'alg' });
    // a signed token with its signature stripped
    const signed = await mint(keys);
    const stripped = `${signed.slice(0, signed.lastIndexOf('.'))}.`;
    expect((await refused(stripped)).message).toMatch(/empty signature/);
    // and `none` may never be allowed
    await expect(verifyDelegationToken(signed, { ...opts, algorithms: ['none' as 'ES256'] })).rejects.toThrow(
      TypeError,
    );
  });

  it('checks typ as a media type when asked', async () => {
    expect((await verifyDelegationToken(await mint(keys), { ...opts, typ: 'at+jwt' })).chain.depth).toBe(3);
    expect((await verifyDelegationToken(await mint(keys), { ...opts, typ: 'application/at+jwt' })).chain.depth).toBe(3);
    expect(await refused(mint(keys), { typ: 'txntoken+jwt' })).toMatchObject({ kind: 'type', claim: 'typ' });
  });

  it('refuses an actor that looks like a SPIFFE ID but is not a valid one', async () => {
    const e = await refused(mint(keys, { agents: ['planner', 'spiffe://Corp.example/runner'] }));
    expect(e).toMatchObject({ kind: 'claim', claim: 'act.sub' });
    expect(e.message).toContain('the trust domain must be lowercase');
  });

  it('holds SPIFFE actors to the trust-domain allow list', async () => {
    const t = mint(keys, { agents: ['planner', 'spiffe://evil.example/runner'] });
    expect(await refused(t, { trustDomains: ['corp.example'] })).toMatchObject({ kind: 'trust-domain' });
  });

  it('leaves the actor scope unstated when the token has no scope claim', async () => {
    const v = await verifyDelegationToken(await mint(keys, { claims: { scope: undefined } }), opts);
    expect(v.chain.actor.scope).toBeUndefined();
    expect(v.scope).toEqual([]);
  });

  it('refuses algorithms not allowed', async () => {
    const e = await refused(mint(keys), { algorithms: ['RS256'] });
    expect(e).toMatchObject({ kind: 'algorithm', claim: 'alg' });
    expect(e.message).toContain('`ES256` is not allowed');
  });

  it('refuses a tampered act claim (the signature no longer verifies)', async () => {
    const t = await mint(keys, { agents: ['planner', 'runner'] });
    // slip an agent into the chain, or swap the actor
    const inserted = tamper(t, (p) => {
      p.act = actClaim(['planner', 'admin-bot', 'runner']);
    });
    expect(await refused(inserted)).toMatchObject({ kind: 'signature' });
    const swapped = tamper(t, (p) => {
      (p.act as { sub: string }).sub = 'root-agent';
    });
    expect(await refused(swapped)).toMatchObject({ kind: 'signature' });
  });

  it('refuses a forged token signed with another key', async () => {
    expect(await refused(mint(other))).toMatchObject({ kind: 'signature' });
    const otherKid = await makeKeys('k2');
    expect(await refused(mint(otherKid))).toMatchObject({ kind: 'signature' });
  });

  it('refuses a chain deeper than the limit, however deep it nests', async () => {
    const deep = Array.from({ length: DEFAULT_MAX_CHAIN_DEPTH + 1 }, (_, i) => `agent-${i}`);
    expect(await refused(mint(keys, { agents: deep }))).toMatchObject({ kind: 'depth' });
    expect(await refused(mint(keys), { maxDepth: 2 })).toMatchObject({ kind: 'depth' });
    // 5,000 nested `act` claims, signed as raw bytes (jose's SignJWT cannot copy so deep a
    // payload): refused as too deep after reading nine of them, never a stack overflow.
    const nested = Array.from({ length: 5000 }, (_, i) => `{"sub":"agent-${i}","act":`).join('');
    const act = `${nested}{"sub":"last"}${'}'.repeat(5000)}`;
    const exp = Math.floor(Date.now() / 1000) + 300;
    const json = `{"sub":"alice","iss":"${ISSUER}","aud":"${AUDIENCE}","exp":${exp},"act":${act}}`;
    const veryDeep = await new CompactSign(new TextEncoder().encode(json))
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(keys.privateKey);
    expect(await refused(veryDeep)).toMatchObject({ kind: 'depth' });
  });

  it('refuses a cyclic chain (an agent twice)', async () => {
    const e = await refused(mint(keys, { agents: ['planner', 'coder', 'planner'] }));
    expect(e).toMatchObject({ kind: 'cycle' });
    expect(e.message).toContain('agent `planner` appears twice');
  });

  it('refuses tokens that are not delegations or have malformed act/scope', async () => {
    expect(await refused(mint(keys, { agents: [] }))).toMatchObject({ kind: 'claim', claim: 'act' });
    expect(await refused(mint(keys, { claims: { act: { iss: 'x' } } }))).toMatchObject({ claim: 'act.sub' });
    expect(await refused(mint(keys, { claims: { act: { sub: 'a', act: 'b' } } }))).toMatchObject({
      claim: 'act.act',
    });
    expect(await refused(mint(keys, { claims: { scope: ['a'] } }))).toMatchObject({ claim: 'scope' });
    expect(await refused('not-a-token')).toMatchObject({ kind: 'malformed' });
  });
});
