/**
 * @module test/transaction
 * OAuth Transaction Tokens (draft-ietf-oauth-transaction-tokens) signed in the test: a valid
 * one maps to a chain (root user from `sub`, the requesting workload as the actor) and to
 * `context.transaction` and `context.session.ip`; a wrong `typ`, an expired, long-lived,
 * foreign-audience, unsigned or tampered token, or `tctx` and `azd` that disagree, are refused.
 */
import { createLocalJWKSet } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ChainError,
  sessionContext,
  TokenError,
  TXN_TOKEN_TYPE,
  transactionChain,
  transactionContext,
  type VerifyTransactionTokenOptions,
  verifyTransactionToken,
} from '../src/index.js';
import {
  makeSigningKey,
  nowSeconds,
  type SigningKey,
  sign,
  TXN_AUDIENCE,
  TXN_HEADER,
  txnClaims,
  unsigned,
  withPayload,
} from './fixtures.js';

let tts: SigningKey;
let opts: VerifyTransactionTokenOptions;
beforeAll(async () => {
  tts = await makeSigningKey('tts-1');
  opts = { key: createLocalJWKSet({ keys: [tts.jwk] }), audience: TXN_AUDIENCE };
});

const mintTxn = (claims = txnClaims(), header: Record<string, unknown> = TXN_HEADER) => sign(tts, claims, { header });

async function refused(
  token: string | Promise<string>,
  o: Partial<VerifyTransactionTokenOptions> = {},
): Promise<TokenError> {
  try {
    await verifyTransactionToken(await token, { ...opts, ...o });
  } catch (e) {
    expect(e).toBeInstanceOf(TokenError);
    return e as TokenError;
  }
  throw new Error('expected the transaction token to be refused');
}

describe('verifyTransactionToken', () => {
  it('reads txn, sub, scope, tctx, rctx and the requesting workload', async () => {
    const v = await verifyTransactionToken(await mintTxn(), opts);
    expect(TXN_TOKEN_TYPE).toBe('txntoken+jwt');
    expect(v).toMatchObject({
      txn: '97053963-771d-49cc-a4e3-20aad399c312',
      subject: 'alice',
      scope: ['files:read', 'secrets:use'],
      tctx: { purpose: 'code-review', action: 'read' },
      rctx: { req_ip: '10.1.2.3', authn: 'mfa' },
      requester: { ip: '10.1.2.3', authn: 'mfa', workloads: ['spiffe://corp.example/agents/gateway'] },
    });
    expect(v.expiresAt.getTime() - v.issuedAt.getTime()).toBe(120_000);
  });

  it('accepts azd (the older name of tctx), alone or agreeing with tctx', async () => {
    const tctx = { purpose: 'code-review' };
    const old = await verifyTransactionToken(await mintTxn(txnClaims({ tctx: undefined, azd: tctx })), opts);
    expect(old.tctx).toEqual(tctx);
    const both = await verifyTransactionToken(
      await mintTxn(txnClaims({ tctx: { a: [1, { b: 'x' }], c: true }, azd: { c: true, a: [1, { b: 'x' }] } })),
      opts,
    );
    expect(both.tctx).toEqual({ a: [1, { b: 'x' }], c: true });
  });

  it('refuses tctx and azd that differ', async () => {
    const e = await refused(mintTxn(txnClaims({ tctx: { purpose: 'code-review' }, azd: { purpose: 'deploy' } })));
    expect(e).toMatchObject({ kind: 'claim', claim: 'tctx' });
    expect(e.message).toBe('`tctx` and `azd` (its older name) are both present and differ');
    expect((await refused(mintTxn(txnClaims({ tctx: { a: [1, 2] }, azd: { a: [2, 1] } })))).claim).toBe('tctx');
    expect((await refused(mintTxn(txnClaims({ tctx: { a: 1 }, azd: { a: 1, b: 2 } })))).claim).toBe('tctx');
  });

  it('accepts req_wl inside rctx (early drafts), a list for replaced tokens', async () => {
    const v = await verifyTransactionToken(
      await mintTxn(txnClaims({ req_wl: undefined, rctx: { req_wl: ['gateway', 'planner'] } })),
      opts,
    );
    expect(v.requester.workloads).toEqual(['gateway', 'planner']);
    const e = await refused(mintTxn(txnClaims({ req_wl: 'other', rctx: { req_wl: ['gateway', 'planner'] } })));
    expect(e.claim).toBe('req_wl');
  });

  it.each([
    ['no typ', txnClaims(), {}, 'type'],
    ['typ JWT', txnClaims(), { typ: 'JWT' }, 'type'],
    ['typ at+jwt', txnClaims(), { typ: 'at+jwt' }, 'type'],
    ['an expired exp', txnClaims({ iat: nowSeconds() - 200, exp: nowSeconds() - 60 }), TXN_HEADER, 'expired'],
    ['a long life', txnClaims({ exp: nowSeconds() + 3600 }), TXN_HEADER, 'lifetime'],
    ['another trust domain', txnClaims({ aud: 'other.example' }), TXN_HEADER, 'audience'],
    ['no txn', txnClaims({ txn: undefined }), TXN_HEADER, 'claim'],
    ['an empty txn', txnClaims({ txn: '' }), TXN_HEADER, 'claim'],
    ['no sub', txnClaims({ sub: undefined }), TXN_HEADER, 'claim'],
    ['no scope', txnClaims({ scope: undefined }), TXN_HEADER, 'claim'],
    ['no iat', txnClaims({ iat: undefined }), TXN_HEADER, 'claim'],
    ['no req_wl', txnClaims({ req_wl: undefined }), TXN_HEADER, 'claim'],
    ['a bad req_ip', txnClaims({ rctx: { req_ip: '10.0.0.0/8' } }), TXN_HEADER, 'claim'],
    ['a non-object rctx', txnClaims({ rctx: 'x' }), TXN_HEADER, 'claim'],
    ['a non-object tctx', txnClaims({ tctx: ['x'] }), TXN_HEADER, 'claim'],
  ])('refuses a token with %s', async (_what, claims, header, kind) => {
    expect((await refused(mintTxn(claims, header))).kind).toBe(kind);
  });

  it('checks the issuer when one is expected, and the lifetime limit is configurable', async () => {
    expect((await refused(mintTxn(), { issuer: 'https://tts.corp.example' })).kind).toBe('issuer');
    const t = await mintTxn(txnClaims({ iss: 'https://tts.corp.example' }));
    expect((await verifyTransactionToken(t, { ...opts, issuer: 'https://tts.corp.example' })).subject).toBe('alice');
    expect((await refused(mintTxn(), { maxLifetime: 60 })).kind).toBe('lifetime');
  });

  it('refuses unsigned, forged and tampered tokens', async () => {
    expect((await refused(unsigned(txnClaims(), TXN_HEADER))).kind).toBe('unsigned');
    const forger = await makeSigningKey('tts-1');
    expect((await refused(sign(forger, txnClaims(), { header: TXN_HEADER }))).kind).toBe('signature');
    const t = await mintTxn();
    expect((await refused(withPayload(t, txnClaims({ sub: 'admin' })))).kind).toBe('signature');
    expect((await refused(withPayload(t, txnClaims({ rctx: { req_ip: '10.9.9.9' } })))).kind).toBe('signature');
  });
});

describe('transaction tokens in Cedar', () => {
  it('map to a chain: sub is the root, the requesting workloads the agents', async () => {
    const v = await verifyTransactionToken(await mintTxn(), opts);
    const chain = transactionChain(v, { trustDomains: ['corp.example'] });
    expect(chain.root.id).toBe('alice');
    expect(chain.actor).toMatchObject({
      id: 'spiffe://corp.example/agents/gateway',
      spiffeId: 'spiffe://corp.example/agents/gateway',
      scope: ['files:read', 'secrets:use'],
      attested: false,
    });
    expect(() => transactionChain(v, { trustDomains: ['other.example'] })).toThrow(ChainError);
    const replaced = await verifyTransactionToken(
      await mintTxn(txnClaims({ req_wl: undefined, rctx: { req_wl: ['gateway', 'gateway'] } })),
      opts,
    );
    expect(() => transactionChain(replaced)).toThrow(/appears twice/);
  });

  it('map to context.transaction, with the tctx fields asked for', async () => {
    const v = await verifyTransactionToken(await mintTxn(), opts);
    expect(transactionContext(v, { details: ['purpose', 'action', 'absent'] })).toEqual({
      id: '97053963-771d-49cc-a4e3-20aad399c312',
      scopes: ['files:read', 'secrets:use'],
      workloads: ['spiffe://corp.example/agents/gateway'],
      authn: 'mfa',
      ip: { __extn: { fn: 'ip', arg: '10.1.2.3' } },
      details: { purpose: 'code-review', action: 'read' },
    });
    expect(transactionContext(v).details).toEqual({
      purpose: 'code-review',
      action: 'read',
      ticket: 'SEC-1',
      priority: 2,
      nested: { geo: 'EU' },
    });
  });

  it('refuse tctx values Cedar cannot hold exactly', async () => {
    for (const [tctx, claim] of [
      [{ price: 1.5 }, 'tctx.price'],
      [{ x: null }, 'tctx.x'],
      [{ owner: { __entity: { type: 'Mandate::User', id: 'admin' } } }, 'tctx.owner.__entity'],
    ] as const) {
      const v = await verifyTransactionToken(await mintTxn(txnClaims({ tctx })), opts);
      let err: unknown;
      try {
        transactionContext(v);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TokenError);
      expect((err as TokenError).claim).toBe(claim);
    }
  });

  it('give the session its client IP', async () => {
    const v = await verifyTransactionToken(await mintTxn(), opts);
    expect(sessionContext({ id: 's1', risk: 0, transaction: v }).ip).toEqual({ __extn: { fn: 'ip', arg: '10.1.2.3' } });
    expect(sessionContext({ id: 's1', risk: 0, ip: '10.1.2.3', transaction: v }).ip).toBeDefined();
    expect(() => sessionContext({ id: 's1', risk: 0, ip: '192.0.2.1', transaction: v })).toThrow(ChainError);
  });
});
