/**
 * @module test/proof
 * The issue's proof, end to end and for every token kind (RFC 8693 delegation tokens,
 * JWT-SVIDs, transaction tokens), with keys generated here: what an agent framework does —
 * verify, build the chain, decide with `authorizeChain` — allows a valid 3-hop chain, denies a
 * broad sub-agent where its user is denied, and never allows a request whose token is expired,
 * for another audience, from another issuer, unsigned, forged, tampered, too deep or cyclic;
 * each is refused with an error of the kind that names the problem.
 */
import { Authorizer } from '@mandate/core';
import { createLocalJWKSet } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeChain,
  type ChainDecision,
  ChainError,
  checkChain,
  type DelegationChain,
  TokenError,
  transactionChain,
  transactionContext,
  verifyDelegationToken,
  verifyJwtSvid,
  verifyTransactionToken,
} from '../src/index.js';
import {
  AUDIENCE,
  actClaim,
  ISSUER,
  type Keys,
  makeKeys,
  makeSigningKey,
  mint,
  nowSeconds,
  readPolicyFile,
  SCHEMA,
  type SigningKey,
  SVID_AUDIENCE,
  session,
  sign,
  spiffeBundle,
  svidClaims,
  TXN_AUDIENCE,
  TXN_HEADER,
  txnClaims,
  unsigned,
  withPayload,
} from './fixtures.js';

const authz = new Authorizer({
  policies: `${readPolicyFile('examples/chain.cedar')}
    @id("runner-reads-anything")
    permit (principal == Mandate::Agent::"runner", action == Mandate::Action::"file.read", resource);`,
  schema: SCHEMA,
  idAnnotation: true,
  entities: [
    {
      uid: { type: 'Mandate::File', id: 'alice-notes' },
      attrs: { path: '/home/alice/notes', owner: { __entity: { type: 'Mandate::User', id: 'alice' } } },
      parents: [],
    },
    {
      uid: { type: 'Mandate::File', id: 'bob-payroll' },
      attrs: { path: '/home/bob/payroll', owner: { __entity: { type: 'Mandate::User', id: 'bob' } } },
      parents: [],
    },
  ],
});

const read = (file: string) => ({
  action: 'file.read',
  resource: { type: 'Mandate::File', id: file },
  context: { session: session() },
});

/** The framework's whole path: a token that does not verify is a deny, never an allow. */
async function decide(chain: () => Promise<DelegationChain>, file = 'alice-notes'): Promise<ChainDecision | Error> {
  try {
    const c = await chain();
    return authorizeChain(authz, c, read(file));
  } catch (e) {
    return e as Error;
  }
}

function expectRefused(d: ChainDecision | Error, kind: string, what: string): void {
  expect(d instanceof TokenError || d instanceof ChainError, `${what}: ${String(d)}`).toBe(true);
  expect((d as TokenError | ChainError).kind, what).toBe(kind);
}

let keys: Keys;
let svidKey: SigningKey;
let tts: SigningKey;
beforeAll(async () => {
  keys = await makeKeys();
  svidKey = await makeSigningKey('corp-1', 'ES256', 'jwt-svid');
  tts = await makeSigningKey('tts-1');
});

describe('RFC 8693 delegation tokens', () => {
  const verify = (token: string | Promise<string>) => async () =>
    (await verifyDelegationToken(await token, { key: keys.jwks, issuer: ISSUER, audience: AUDIENCE })).chain;

  it('allow a valid 3-hop chain and deny the confused deputy', async () => {
    const ok = (await decide(verify(mint(keys)))) as ChainDecision;
    expect(ok.decision).toBe('allow');
    expect(ok.hops).toHaveLength(4);
    const deputy = (await decide(verify(mint(keys)), 'bob-payroll')) as ChainDecision;
    expect(deputy.hops[3]?.decision.decision).toBe('allow'); // the runner's own grant is broad…
    expect(deputy.decision).toBe('deny'); // …but alice may not, so nothing acting for her may
    expect(deputy.deniedBy?.role).toBe('root');
  });

  it('never allow a refused token', async () => {
    const signed = await mint(keys, { agents: ['planner', 'runner'] });
    const payload = JSON.parse(Buffer.from(signed.split('.')[1] as string, 'base64url').toString());
    const cases: Array<[string, string | Promise<string>, string]> = [
      ['expired', mint(keys, { exp: nowSeconds() - 60 }), 'expired'],
      ['wrong audience', mint(keys, { aud: 'https://other.example' }), 'audience'],
      ['wrong issuer', mint(keys, { iss: 'https://evil.example' }), 'issuer'],
      ['alg none', unsigned({ ...payload }), 'unsigned'],
      ['forged', makeKeys().then((k) => mint(k)), 'signature'],
      ['tampered act', withPayload(signed, { ...payload, act: actClaim(['planner', 'admin', 'runner']) }), 'signature'],
      ['too deep', mint(keys, { agents: Array.from({ length: 9 }, (_, i) => `a${i}`) }), 'depth'],
      ['cyclic', mint(keys, { agents: ['planner', 'coder', 'planner'] }), 'cycle'],
    ];
    for (const [what, token, kind] of cases) {
      expectRefused(await decide(verify(token)), kind, what);
    }
  });
});

describe('JWT-SVIDs', () => {
  const bundles = () => ({ 'corp.example': spiffeBundle(svidKey) });
  /** The SVID names the actor; the rest of the chain comes from the framework's own session. */
  const verify = (token: string | Promise<string>) => async () => {
    const v = await verifyJwtSvid(await token, { bundles: bundles(), audience: SVID_AUDIENCE });
    return checkChain({ id: 'alice', groups: [], attrs: {} }, [
      {
        id: 'planner',
        scope: undefined,
        spiffeId: undefined,
        attested: true,
        owner: undefined,
        groups: [],
        issuer: undefined,
      },
      {
        id: 'coder',
        scope: undefined,
        spiffeId: undefined,
        attested: true,
        owner: undefined,
        groups: [],
        issuer: undefined,
      },
      v.hop,
    ]);
  };

  it('allow a valid 3-hop chain whose actor is the SVID’s workload', async () => {
    const d = (await decide(
      verify(sign(svidKey, svidClaims({ sub: 'spiffe://corp.example/runner' }))),
    )) as ChainDecision;
    expect(d.decision).toBe('allow');
    expect(d.hops[3]?.principal.id).toBe('spiffe://corp.example/runner');
  });

  it('never allow a refused SVID', async () => {
    const good = await sign(svidKey, svidClaims());
    const cases: Array<[string, string | Promise<string>, string]> = [
      ['expired', sign(svidKey, svidClaims({ exp: nowSeconds() - 60 })), 'expired'],
      ['wrong audience', sign(svidKey, svidClaims({ aud: ['spiffe://corp.example/other'] })), 'audience'],
      ['foreign trust domain', sign(svidKey, svidClaims({ sub: 'spiffe://evil.example/runner' })), 'trust-domain'],
      ['alg none', unsigned(svidClaims()), 'unsigned'],
      ['forged', makeSigningKey('corp-1', 'ES256', 'jwt-svid').then((k) => sign(k, svidClaims())), 'signature'],
      ['tampered sub', withPayload(good, svidClaims({ sub: 'spiffe://corp.example/admin' })), 'signature'],
    ];
    for (const [what, token, kind] of cases) {
      expectRefused(await decide(verify(token)), kind, what);
    }
  });
});

describe('transaction tokens', () => {
  const verify = (token: string | Promise<string>) => async () =>
    transactionChain(
      await verifyTransactionToken(await token, {
        key: createLocalJWKSet({ keys: [tts.jwk] }),
        audience: TXN_AUDIENCE,
      }),
    );
  const mintTxn = (over: Record<string, unknown> = {}, header: Record<string, unknown> = TXN_HEADER) =>
    sign(tts, txnClaims({ req_wl: undefined, rctx: { req_wl: ['planner', 'coder', 'runner'] }, ...over }), { header });

  it('allow a valid 3-hop transaction and deny the confused deputy', async () => {
    const ok = (await decide(verify(mintTxn()))) as ChainDecision;
    expect(ok.decision).toBe('allow');
    expect(ok.hops.map((h) => h.principal.id)).toEqual(['alice', 'planner', 'coder', 'runner']);
    const deputy = (await decide(verify(mintTxn()), 'bob-payroll')) as ChainDecision;
    expect(deputy.decision).toBe('deny');
    expect(deputy.deniedBy?.index).toBe(0);
    // its context reaches policies too
    const v = await verifyTransactionToken(await mintTxn(), {
      key: createLocalJWKSet({ keys: [tts.jwk] }),
      audience: TXN_AUDIENCE,
    });
    expect(transactionContext(v, { details: ['purpose'] }).details).toEqual({ purpose: 'code-review' });
  });

  it('never allow a refused transaction token', async () => {
    const good = await mintTxn();
    const cases: Array<[string, string | Promise<string>, string]> = [
      ['expired', mintTxn({ iat: nowSeconds() - 300, exp: nowSeconds() - 60 }), 'expired'],
      ['wrong audience', mintTxn({ aud: 'other.example' }), 'audience'],
      ['wrong typ', mintTxn({}, { typ: 'JWT' }), 'type'],
      ['alg none', unsigned(txnClaims(), TXN_HEADER), 'unsigned'],
      ['forged', makeSigningKey('tts-1').then((k) => sign(k, txnClaims(), { header: TXN_HEADER })), 'signature'],
      ['tampered', withPayload(good, txnClaims({ sub: 'bob' })), 'signature'],
      ['tctx vs azd', mintTxn({ tctx: { purpose: 'a' }, azd: { purpose: 'b' } }), 'claim'],
      ['too deep', mintTxn({ rctx: { req_wl: Array.from({ length: 9 }, (_, i) => `w${i}`) } }), 'depth'],
      ['cyclic', mintTxn({ rctx: { req_wl: ['planner', 'coder', 'planner'] } }), 'cycle'],
    ];
    for (const [what, token, kind] of cases) {
      expectRefused(await decide(verify(token)), kind, what);
    }
  });
});
