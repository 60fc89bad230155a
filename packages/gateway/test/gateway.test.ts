/**
 * @module test/gateway
 * Grants and releases: the authorizer decides `secret.use` for every hop of the chain with the
 * destination in context; a grant is bound to secret, origin, method and path, expires, is
 * single-use and cannot be forged; every grant, release and refusal is audited with its reasons.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Authorizer } from '@mandate/core';
import { exportJWK, exportPKCS8, generateKeyPair, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  type AuditEvent,
  Gateway,
  type Grant,
  GrantError,
  MemoryVault,
  memoryAuditSink,
  SecretRefError,
  VaultError,
} from '../src/index.js';
import { chain, makeAuthorizer, SCHEMA, session } from './fixtures.js';

const SECRET = 'tok_gateway_test_9f8e7d6c5b4a';
const API = 'https://api.example.com';

function setup(opts: { now?: () => number; audit?: (e: AuditEvent) => void | Promise<void> } = {}) {
  const memory = memoryAuditSink();
  const gateway = new Gateway({
    authorizer: makeAuthorizer([
      { ref: 'secret://mem/api', hosts: ['api.example.com'] },
      { ref: 'secret://mem/signer', hosts: ['api.example.com'] },
      { ref: 'secret://nowhere/x', hosts: ['api.example.com'] },
    ]),
    vaults: { mem: new MemoryVault({ api: { value: SECRET } }) },
    audit: opts.audit ?? memory.sink,
    ...(opts.now !== undefined ? { now: opts.now } : {}),
  });
  return { gateway, events: memory.events };
}

const use = (over: Record<string, unknown> = {}) => ({
  chain,
  ref: 'secret://mem/api',
  url: `${API}/repos/a/b?page=2`,
  method: 'get',
  context: session(),
  ...over,
});

async function rejection<E>(p: Promise<unknown>): Promise<E> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: E) => e,
  );
}

describe('Gateway.check / grant', () => {
  it('grants when every hop is allowed, bound to origin, method and path', async () => {
    const { gateway, events } = setup();
    const r = await gateway.check(use());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.grant.destination).toEqual({ origin: API, host: 'api.example.com', method: 'GET', path: '/repos/a/b' });
    expect(r.grant.expiresAt - r.grant.issuedAt).toBe(30_000);
    expect(r.grant.decision.hops.map((h) => h.principal.id)).toEqual(['alice', 'planner', 'coder']);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'grant',
      decision: 'allow',
      reasons: ['secret-to-its-hosts'],
      grantId: r.grant.id,
    });
  });

  it.each([
    ['another host (no permit: no reasons)', { url: 'https://evil.example/x' }, []],
    ['a forbidden method', { method: 'DELETE' }, ['no-delete-with-secrets']],
    ['a forbidden path', { url: `${API}/admin/users` }, ['no-admin-paths']],
    ['a risky session', { context: session(90) }, ['high-risk-session']],
  ])('refuses %s with the decision and audits the reasons', async (_what, over, forbidden) => {
    const { gateway, events } = setup();
    const r = await gateway.check(use(over));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(GrantError);
    expect((r.error as GrantError).kind).toBe('denied');
    expect((r.error as GrantError).decision?.deniedBy?.index).toBe(0);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'refusal', stage: 'grant', decision: 'deny', error: { kind: 'denied' } });
    expect(events[0]?.reasons).toEqual(forbidden);
    expect(events[0]?.hops[0]).toMatchObject({ principal: 'Mandate::User::"alice"', decision: 'deny' });
  });

  it('refuses a malformed reference and context keys the gateway sets', async () => {
    const { gateway } = setup();
    const bad = await gateway.check(use({ ref: 'secret://mem/../api' }));
    expect(!bad.ok && bad.error instanceof SecretRefError).toBe(true);
    const spoof = await gateway.check(use({ context: { ...session(), host: 'api.example.com' } }));
    expect(!spoof.ok && spoof.error.kind).toBe('request');
    const url = await gateway.check(use({ url: 'https://user:pw@api.example.com/' }));
    expect(!url.ok && url.error.kind).toBe('request');
    await expect(gateway.grant(use({ url: 'ftp://api.example.com/' }))).rejects.toThrow(GrantError);
  });

  it('does not issue a grant it cannot record', async () => {
    const { gateway } = setup({
      audit: () => {
        throw new Error('disk full');
      },
    });
    const r = await gateway.check(use());
    expect(!r.ok && r.error.kind).toBe('audit');
  });
});

describe('Gateway.release', () => {
  it('releases once, for the granted destination', async () => {
    const { gateway, events } = setup();
    const grant = await gateway.grant(use());
    const wrong = await rejection<GrantError>(gateway.release(grant, { url: `${API}/repos/a/c`, method: 'GET' }));
    expect(wrong.kind).toBe('destination');
    const other = await gateway.grant(use());
    const cred = await gateway.release(other, { url: `${API}/repos/a/b?page=3`, method: 'GET' });
    expect(cred.reveal().headers).toEqual([['authorization', `Bearer ${SECRET}`]]);
    expect(String(cred)).not.toContain(SECRET);
    expect(JSON.stringify(cred)).not.toContain(SECRET);
    const again = await rejection<GrantError>(gateway.release(other));
    expect(again.kind).toBe('used');
    expect(events.map((e) => `${e.type}:${e.stage}`)).toEqual([
      'grant:grant',
      'refusal:release',
      'grant:grant',
      'release:release',
      'refusal:release',
    ]);
  });

  it('refuses an expired grant', async () => {
    let now = Date.parse('2026-01-15T10:00:00Z');
    const { gateway, events } = setup({ now: () => now });
    const grant = await gateway.grant(use());
    now += 30_000;
    const e = await rejection<GrantError>(gateway.release(grant));
    expect(e.kind).toBe('expired');
    expect(events.at(-1)).toMatchObject({
      type: 'refusal',
      stage: 'release',
      error: { name: 'GrantError', kind: 'expired' },
    });
  });

  it('refuses a forged grant and concurrent double release', async () => {
    const { gateway } = setup();
    const real = await gateway.grant(use());
    const forged: Grant = { ...real };
    expect((await rejection<GrantError>(gateway.release(forged))).kind).toBe('unknown');
    const results = await Promise.allSettled([gateway.release(real), gateway.release(real)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as GrantError).kind).toBe('used');
  });

  it('fails closed when the vault cannot produce the secret', async () => {
    const { gateway, events } = setup();
    const unknownVault = await gateway.grant(use({ ref: 'secret://nowhere/x' }));
    expect((await rejection<VaultError>(gateway.release(unknownVault))).kind).toBe('unknown-vault');
    expect(events.at(-1)).toMatchObject({ type: 'refusal', error: { name: 'VaultError', kind: 'unknown-vault' } });
  });

  it('does not release what it cannot record', async () => {
    let fail = false;
    const { gateway } = setup({
      audit: (e) => {
        if (fail && e.type === 'release') throw new Error('sink down');
      },
    });
    const grant = await gateway.grant(use());
    fail = true;
    expect((await rejection<GrantError>(gateway.release(grant))).kind).toBe('audit');
  });
});

describe('signing keys', () => {
  it.each(['pkcs8', 'jwk'])('mints a short audience-bound JWT instead of passing the %s key', async (form) => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const keyText = form === 'pkcs8' ? await exportPKCS8(privateKey) : JSON.stringify(await exportJWK(privateKey));
    const vault = new MemoryVault({
      signer: { value: keyText, sign: { alg: 'ES256', issuer: 'mandate-gateway', keyId: 'k1', ttlSeconds: 120 } },
    });
    const gateway = new Gateway({
      authorizer: makeAuthorizer([{ ref: 'secret://mem/signer', hosts: ['api.example.com'] }]),
      vaults: { mem: vault },
    });
    const cred = await gateway.release(await gateway.grant(use({ ref: 'secret://mem/signer', method: 'POST' })));
    const [[name, value]] = cred.reveal().headers as [[string, string]];
    expect(name).toBe('authorization');
    const token = value.replace(/^Bearer /, '');
    expect(value).not.toContain(keyText);
    const { payload, protectedHeader } = await jwtVerify(token, publicKey, {
      audience: API,
      issuer: 'mandate-gateway',
    });
    expect(protectedHeader.kid).toBe('k1');
    expect(payload).toMatchObject({ sub: 'mandate-gateway', htm: 'POST', htu: `${API}/repos/a/b` });
    expect((payload.exp as number) - (payload.iat as number)).toBe(120);
    expect(cred.expiresAt).toBe((payload.exp as number) * 1000);
    // Another origin's audience does not accept it.
    await expect(jwtVerify(token, publicKey, { audience: 'https://other.example' })).rejects.toThrow();
  });

  it('refuses a signing lifetime beyond a few minutes', () => {
    expect(() => new MemoryVault({ k: { value: 'x', sign: { alg: 'ES256', issuer: 'i', ttlSeconds: 3600 } } })).toThrow(
      VaultError,
    );
  });
});

describe('the example’s policies (examples/gateway)', () => {
  it('validate against the schema and decide as its README says', async () => {
    const policies = readFileSync(
      join(import.meta.dirname, '..', '..', '..', 'examples', 'gateway', 'policies.cedar'),
      'utf8',
    );
    const gateway = new Gateway({
      authorizer: new Authorizer({
        policies,
        schema: SCHEMA,
        idAnnotation: true,
        entities: [
          {
            uid: { type: 'Mandate::Secret', id: 'secret://vault/weather' },
            attrs: { hosts: ['api.example.com'] },
            parents: [],
          },
        ],
      }),
      vaults: { vault: new MemoryVault({ weather: { value: SECRET } }) },
    });
    const req = (url: string, method: string) => ({
      chain,
      ref: 'secret://vault/weather',
      url,
      method,
      context: session(),
    });
    expect((await gateway.check(req(`${API}/forecast`, 'GET'))).ok).toBe(true);
    expect((await gateway.check(req(`${API}/forecast`, 'POST'))).ok).toBe(false);
    expect((await gateway.check(req('https://attacker.example/collect', 'GET'))).ok).toBe(false);
  });
});
