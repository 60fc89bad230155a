/**
 * @module test/intent
 * Intent mandates: signed by the user's side, verified before use (keys, issuer, audience,
 * expiry, algorithms, token type; `alg: none` refused), turned into `context.intent`, and
 * enforced by the guard on every call — actions and tools, path and host scopes, budget,
 * subject and session binding, and the closed cart form.
 */
import { buildChain } from '@mandate/identity';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  cartDigest,
  digestOf,
  IntentError,
  intentContext,
  isVerifiedIntent,
  type VerifiedIntent,
  verifyIntent,
} from '../src/index.js';
import {
  AUDIENCE,
  approvalToken,
  at,
  chain,
  intentToken,
  MINUTE,
  makeGuard,
  makeKeys,
  T0,
  testKeys,
  WALLET,
} from './fixtures.js';

const b64 = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');

async function refusal(p: Promise<unknown>): Promise<IntentError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(IntentError);
  return e as IntentError;
}

describe('verifyIntent', () => {
  it('verifies a signed intent and reads every member, the budget as a bigint', async () => {
    const { wallet } = await testKeys();
    const token = await intentToken(wallet, { id: 'intent-1', budget: { amount: 2n ** 60n, currency: 'EUR' } });
    const intent = await verifyIntent(token, { key: wallet.jwks, issuer: WALLET, audience: AUDIENCE, currentDate: T0 });
    expect(isVerifiedIntent(intent)).toBe(true);
    expect(intent).toMatchObject({
      id: 'intent-1',
      issuer: WALLET,
      subject: 'alice',
      actions: ['tool.call'],
      paths: ['/work/app/**'],
      budget: { amount: 2n ** 60n, currency: 'EUR' },
      expires: at(60 * MINUTE),
    });
    expect(Object.isFrozen(intent)).toBe(true);
    expect(intentContext(intent)).toEqual({
      id: 'intent-1',
      actions: ['tool.call'],
      hosts: ['api.example.com', '*.docs.example.com'],
      paths: ['/work/app/**'],
      tools: [],
      purpose: 'tidy the project and pay the invoice',
      budget: 2n ** 60n,
      expires: { __extn: { fn: 'datetime', arg: at(60 * MINUTE).toISOString() } },
    });
  });

  it('refuses `alg: none`, forged, expired, foreign and mistyped tokens', async () => {
    const { wallet, approver } = await testKeys();
    const opts = { key: wallet.jwks, issuer: WALLET, audience: AUDIENCE, currentDate: T0 };
    const good = await intentToken(wallet);
    const [, payload] = good.split('.');

    const none = `${b64({ alg: 'none', typ: 'intent+jwt' })}.${payload}.`;
    expect((await refusal(verifyIntent(none, opts))).kind).toBe('unsigned');

    const other = await makeKeys('wallet-1'); // same kid, another key: a forgery
    expect((await refusal(verifyIntent(await intentToken(other), opts))).kind).toBe('signature');

    const tampered = `${good.split('.')[0]}.${b64({ ...JSON.parse(Buffer.from(payload as string, 'base64url').toString()), sub: 'mallory' })}.${good.split('.')[2]}`;
    expect((await refusal(verifyIntent(tampered, opts))).kind).toBe('signature');

    expect((await refusal(verifyIntent(good, { ...opts, currentDate: at(61 * MINUTE) }))).kind).toBe('expired');
    expect((await refusal(verifyIntent(good, { ...opts, issuer: 'https://other.example' }))).kind).toBe('issuer');
    expect((await refusal(verifyIntent(good, { ...opts, audience: 'https://other.example' }))).kind).toBe('audience');
    expect((await refusal(verifyIntent(good, { ...opts, algorithms: ['EdDSA'] }))).kind).toBe('algorithm');
    expect((await refusal(verifyIntent('not a token', opts))).kind).toBe('malformed');

    // An approval is not an intent, even from a key the verifier trusts.
    const binding = { sessionId: 's', principal: 'p', action: 'a', resource: 'r', input: digestOf({}) };
    const approval = await approvalToken(approver, binding);
    const e = await refusal(
      verifyIntent(approval, { ...opts, key: approver.jwks, issuer: 'https://approvals.example.com' }),
    );
    expect(e.kind).toBe('type');
  });

  it('refuses a mandate claim it does not fully understand, or without an expiry', async () => {
    const { wallet } = await testKeys();
    const opts = { key: wallet.jwks, issuer: WALLET, audience: AUDIENCE, currentDate: T0 };
    const sign = (payload: Record<string, unknown>, exp = true) => {
      const j = new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', kid: wallet.kid, typ: 'intent+jwt' })
        .setIssuer(WALLET)
        .setAudience(AUDIENCE)
        .setSubject('alice')
        .setJti('i1')
        .setIssuedAt(T0);
      return (exp ? j.setExpirationTime(at(MINUTE)) : j).sign(wallet.privateKey);
    };
    const unknown = await refusal(verifyIntent(await sign({ mandate: { purpose: 'x', maxCalls: 3 } }), opts));
    expect(unknown).toMatchObject({ kind: 'claim' });
    const badBudget = await refusal(
      verifyIntent(await sign({ mandate: { purpose: 'x', budget: { amount: '-5', currency: 'EUR' } } }), opts),
    );
    expect(badBudget).toMatchObject({ kind: 'claim', path: 'mandate.budget.amount' });
    expect(badBudget.message).toContain('`mandate.budget.amount`');
    const noExp = await refusal(verifyIntent(await sign({ mandate: { purpose: 'x' } }, false), opts));
    expect(noExp.kind).toBe('claim');
  });
});

describe('the guard enforces the intent on every call', () => {
  it('allows what the intent names and denies the rest, by reason', async () => {
    const { guard, keys } = await makeGuard();
    const intent = await intentToken(keys.wallet, { actions: [], tools: ['read_file', 'payments', 'web'] });
    const check = (tool: string, input: Record<string, unknown>) =>
      guard.check({ sessionId: 'i1', chain, tool, input, intent });

    expect((await check('read_file', { path: '/work/app/src/main.ts' })).outcome).toBe('allow');
    expect((await check('pay', { amount: 100, currency: 'EUR' })).outcome).toBe('allow'); // by group
    expect((await check('fetch', { url: 'https://v2.docs.example.com/x' })).outcome).toBe('allow');

    const outside = await check('delete_file', { path: '/work/app/a' });
    expect(outside).toMatchObject({ outcome: 'deny', reasons: ['mandate:intent-action'] });
    expect(outside.message).toContain('`delete_file`');

    const climbOut = await check('read_file', { path: '/work/app/../../etc/passwd' });
    expect(climbOut).toMatchObject({ outcome: 'deny', reasons: ['mandate:intent-path'] });
    expect((await check('read_file', { path: '/work/application/x' })).reasons).toEqual(['mandate:intent-path']);

    const host = await check('fetch', { url: 'https://docs.example.com/' }); // apex is not `*.docs…`
    expect(host).toMatchObject({ outcome: 'deny', reasons: ['mandate:intent-host'] });
    expect((await check('fetch', { url: 'https://evil.example/?q=api.example.com' })).reasons).toEqual([
      'mandate:intent-host',
    ]);
  });

  it('counts spending against the budget across calls, exactly, in minor units', async () => {
    const { guard, keys } = await makeGuard();
    const intent = await intentToken(keys.wallet, { budget: { amount: 10_000n, currency: 'EUR' } });
    const pay = (amount: unknown, currency = 'EUR') =>
      guard.check({ sessionId: 'b1', chain, tool: 'pay', input: { amount, currency }, intent });
    expect((await pay(6_000)).outcome).toBe('allow');
    expect((await pay('4001')).reasons).toEqual(['mandate:intent-budget']);
    expect((await pay(4_000n)).outcome).toBe('allow');
    expect((await pay(1)).reasons).toEqual(['mandate:intent-budget']);
    expect((await pay(0, 'USD')).outcome).toBe('allow'); // nothing spent, nothing to refuse
    const usd = await guard.check({
      sessionId: 'b2',
      chain,
      tool: 'pay',
      input: { amount: 1, currency: 'USD' },
      intent,
    });
    expect(usd.reasons).toEqual(['mandate:intent-budget']);
    const bad = await guard.check({ sessionId: 'b2', chain, tool: 'pay', input: { amount: -1 }, intent });
    expect(bad).toMatchObject({ outcome: 'deny', failure: { kind: 'input' } });
  });

  it('binds the intent to its user, its session and its lifetime', async () => {
    const { guard, keys, clock } = await makeGuard();
    const intent = await intentToken(keys.wallet, { sessionId: 'bound' });
    const bobChain = buildChain({ root: { id: 'bob' }, hops: [{ id: 'runner' }] });
    const input = { path: '/work/app/a' };
    expect((await guard.check({ sessionId: 'bound', chain, tool: 'read_file', input, intent })).outcome).toBe('allow');
    const bob = await guard.check({ sessionId: 'bound', chain: bobChain, tool: 'read_file', input, intent });
    expect(bob.reasons).toEqual(['mandate:intent-subject']);
    const other = await guard.check({ sessionId: 'other', chain, tool: 'read_file', input, intent });
    expect(other.reasons).toEqual(['mandate:intent-session']);

    // A verified intent reused after it expires is refused on the call, not only at verification.
    const verified = await verifyIntent(intent, {
      key: keys.wallet.jwks,
      issuer: WALLET,
      audience: AUDIENCE,
      currentDate: T0,
    });
    clock.advance(60 * MINUTE);
    const late = await guard.check({ sessionId: 'bound', chain, tool: 'read_file', input, intent: verified });
    expect(late.reasons).toEqual(['mandate:intent-expired']);
    const lateToken = await guard.check({ sessionId: 'bound', chain, tool: 'read_file', input, intent });
    expect(lateToken).toMatchObject({ outcome: 'deny', failure: { kind: 'intent' } });
  });

  it('refuses a look-alike of a verified intent, a forged token, and no intent when one is required', async () => {
    const { guard, keys } = await makeGuard({ requireIntent: true });
    const real = await verifyIntent(await intentToken(keys.wallet), {
      key: keys.wallet.jwks,
      issuer: WALLET,
      audience: AUDIENCE,
      currentDate: T0,
    });
    const fake = { ...real, paths: ['/**'] } as VerifiedIntent;
    const input = { path: '/etc/passwd' };
    const r1 = await guard.check({ sessionId: 'f', chain, tool: 'read_file', input, intent: fake });
    expect(r1).toMatchObject({ outcome: 'deny', failure: { kind: 'intent' } });
    const forged = await intentToken(await makeKeys('wallet-1'), { paths: ['/**'] });
    const r2 = await guard.check({ sessionId: 'f', chain, tool: 'read_file', input, intent: forged });
    expect(r2).toMatchObject({ outcome: 'deny', failure: { kind: 'intent' } });
    expect((r2.failure?.cause as IntentError | undefined)?.kind).toBe('signature');
    const r3 = await guard.check({ sessionId: 'f', chain, tool: 'read_file', input: { path: '/work/app/a' } });
    expect(r3).toMatchObject({ outcome: 'deny', reasons: ['mandate:intent-required'] });
  });
});

describe('closed intents: the approved cart', () => {
  const cart = {
    merchant: 'books.example.com',
    currency: 'EUR',
    items: [
      { sku: 'isbn-978-0', qty: 1, price: 2_499 },
      { sku: 'isbn-978-1', qty: 2, price: 1_250 },
    ],
    total: 4_999,
  };

  it('digests canonical JSON: key order and bigint-vs-number do not matter, values do', () => {
    const reordered = {
      total: 4_999n,
      items: cart.items.map((i) => ({ price: i.price, qty: i.qty, sku: i.sku })),
      currency: 'EUR',
      merchant: 'books.example.com',
    };
    expect(cartDigest(reordered)).toBe(cartDigest(cart));
    expect(cartDigest({ ...cart, total: 4_998 })).not.toBe(cartDigest(cart));
    expect(canonicalJson({ b: [1, 'x', null, true], a: { '': 2n ** 70n } })).toBe(
      '{"a":{"":1180591620717411303424},"b":[1,"x",null,true]}',
    );
    expect(() => cartDigest({ when: new Date() })).toThrow(/`Date` is not plain JSON data/);
    expect(() => cartDigest({ n: Number.NaN })).toThrow(/`NaN` has no JSON form/);
  });

  it('allows the transaction with exactly the approved cart, and denies a changed or missing one', async () => {
    const { guard, keys } = await makeGuard();
    const intent = await intentToken(keys.wallet, { cart: cartDigest(cart) });
    const pay = (c: unknown, sessionId: string) =>
      guard.check({
        sessionId,
        chain,
        tool: 'pay',
        input: { amount: 4_999, currency: 'EUR' },
        intent,
        ...(c === undefined ? {} : { cart: c }),
      });
    expect((await pay(structuredClone(cart), 'c1')).outcome).toBe('allow');
    const extra = { ...cart, items: [...cart.items, { sku: 'isbn-978-2', qty: 1, price: 1 }] };
    const changed = await pay(extra, 'c2');
    expect(changed).toMatchObject({ outcome: 'deny', reasons: ['mandate:intent-cart'] });
    expect((await pay({ ...cart, merchant: 'evil.example' }, 'c3')).reasons).toEqual(['mandate:intent-cart']);
    expect((await pay(undefined, 'c4')).reasons).toEqual(['mandate:intent-cart']);
  });
});
