/**
 * @module test/fetch
 * The secretless fetch against real HTTP servers on loopback: the credential reaches the
 * granted server in the right form and nowhere else; a denied destination receives nothing;
 * redirects to another origin carry no credential; echoes are redacted; errors and the audit
 * log never contain the secret; concurrent requests never mix credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditEvent,
  createSecretFetch,
  Gateway,
  GrantError,
  jsonLinesAuditSink,
  MemoryVault,
  REDACTED,
  SecretFetchError,
  SecretRefError,
} from '../src/index.js';
import { bobChain, chain, makeAuthorizer, type Received, session, startServer, type TestServer } from './fixtures.js';

const SECRET = 'sk_live_51H-abc/DEF+ghi=jkl_0123456789';
const BOB_SECRET = 'sk_live_bob_only_9876543210zyxwvu';
const PASSWORD = 'p@ss:w0rd-basic-secret';
const QUERY_KEY = 'qk-3f9a2b7c1d&x=y';

let api: TestServer; // the granted destination; echoes what it receives and redirects on demand
let other: TestServer; // another origin: must never see a credential
let bouncer: TestServer; // another origin that redirects back to the granted one
const log: string[] = [];
let gateway: Gateway;

beforeAll(async () => {
  other = await startServer();
  bouncer = await startServer((_req, res) => res.writeHead(302, { location: `${api.origin}/after-bounce` }).end());
  api = await startServer((req, res, self) => {
    const u = new URL(req.url ?? '/', self.origin);
    if (u.pathname === '/echo') {
      // Reflects the credential in a header and, split in many small chunks, in the body.
      res.setHeader('x-echo-auth', req.headers.authorization ?? '');
      const text = JSON.stringify({ headers: req.headers, url: req.url });
      for (let i = 0; i < text.length; i += 3) res.write(text.slice(i, i + 3));
      res.end();
    } else if (u.pathname === '/to-other') {
      res.writeHead(302, { location: `${other.origin}/landing` }).end();
    } else if (u.pathname === '/to-bouncer') {
      res.writeHead(302, { location: `${bouncer.origin}/bounce` }).end();
    } else if (u.pathname === '/to-same') {
      res.writeHead(307, { location: '/final' }).end();
    } else if (u.pathname === '/leak-redirect') {
      res
        .writeHead(302, { location: `${other.origin}/steal?k=${encodeURIComponent(req.headers.authorization ?? '')}` })
        .end();
    } else if (u.pathname === '/slow') {
      setTimeout(() => res.end(req.headers.authorization ?? ''), 5 + Math.floor(Math.random() * 20));
    } else res.end('ok');
  });
  const audit = jsonLinesAuditSink((l) => log.push(l));
  gateway = new Gateway({
    authorizer: makeAuthorizer([
      { ref: 'secret://mem/api', hosts: [api.host] },
      { ref: 'secret://mem/bob', hosts: [api.host] },
      { ref: 'secret://mem/basic', hosts: [api.host] },
      { ref: 'secret://mem/query', hosts: [api.host] },
      { ref: 'secret://mem/header', hosts: [api.host] },
    ]),
    vaults: {
      mem: new MemoryVault({
        api: { value: SECRET },
        bob: { value: BOB_SECRET },
        basic: { value: PASSWORD, inject: { type: 'basic', username: 'svc' } },
        query: { value: QUERY_KEY, inject: { type: 'query', param: 'api_key' } },
        header: { value: SECRET, inject: { type: 'header', name: 'X-Api-Key', prefix: 'Key ' } },
      }),
    },
    audit,
  });
});

afterAll(async () => {
  await api.close();
  await other.close();
  await bouncer.close();
  // Every audit line written during these tests, scanned for every secret in every form.
  const all = log.join('');
  expect(log.length).toBeGreaterThan(10);
  for (const s of [SECRET, BOB_SECRET, PASSWORD, QUERY_KEY]) {
    for (const form of [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]) expect(all).not.toContain(form);
  }
  expect(all).not.toContain(Buffer.from(`svc:${PASSWORD}`).toString('base64'));
});

const aliceFetch = () => createSecretFetch(gateway, { chain, context: () => session() });
const lastFrom = (s: TestServer): Received => s.received.at(-1) as Received;
const events = (): AuditEvent[] => log.map((l) => JSON.parse(l) as AuditEvent);

describe('createSecretFetch', () => {
  it('injects the credential at the granted server, from a header reference', async () => {
    const res = await aliceFetch()(`${api.origin}/ok`, { headers: { authorization: 'Bearer secret://mem/api' } });
    expect(await res.text()).toBe('ok');
    expect(lastFrom(api).headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(events().at(-1)).toMatchObject({
      type: 'release',
      ref: 'secret://mem/api',
      reasons: ['secret-to-its-hosts'],
    });
  });

  it('injects by the secret option, as metadata says: header, basic, query', async () => {
    const f = aliceFetch();
    await f(`${api.origin}/ok`, { secret: 'secret://mem/header' });
    expect(lastFrom(api).headers['x-api-key']).toBe(`Key ${SECRET}`);
    expect(lastFrom(api).headers.authorization).toBeUndefined();
    await f(`${api.origin}/ok`, { secret: 'secret://mem/basic', method: 'POST', body: 'hello' });
    expect(lastFrom(api).headers.authorization).toBe(`Basic ${Buffer.from(`svc:${PASSWORD}`).toString('base64')}`);
    expect(lastFrom(api).body).toBe('hello');
    await f(`${api.origin}/ok?q=1`, { secret: 'secret://mem/query' });
    const u = new URL(lastFrom(api).url, api.origin);
    expect(u.searchParams.get('api_key')).toBe(QUERY_KEY);
    expect(u.searchParams.get('q')).toBe('1');
  });

  it('sends nothing at all to a denied destination', async () => {
    const before = other.received.length;
    const e = await aliceFetch()(`${other.origin}/collect`, {
      headers: { authorization: 'Bearer secret://mem/api' },
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(GrantError);
    expect((e as GrantError).kind).toBe('denied');
    expect(other.received.length).toBe(before);
    expect(events().at(-1)).toMatchObject({ type: 'refusal', stage: 'grant', destination: { origin: other.origin } });
  });

  it('sends nothing for a denied method or path on the right host', async () => {
    const before = api.received.length;
    await expect(aliceFetch()(`${api.origin}/ok`, { method: 'DELETE', secret: 'secret://mem/api' })).rejects.toThrow(
      GrantError,
    );
    await expect(aliceFetch()(`${api.origin}/admin/keys`, { secret: 'secret://mem/api' })).rejects.toThrow(GrantError);
    expect(api.received.length).toBe(before);
  });

  it('carries no credential across a redirect to another origin', async () => {
    const res = await aliceFetch()(`${api.origin}/to-other`, { headers: { authorization: 'Bearer secret://mem/api' } });
    expect(res.redirected).toBe(true);
    expect(res.url).toBe(`${other.origin}/landing`);
    const landed = lastFrom(other);
    expect(landed.url).toBe('/landing');
    expect(landed.headers.authorization).toBeUndefined();
    expect(JSON.stringify(landed)).not.toContain(SECRET);
    // The query-parameter credential does not travel either.
    await aliceFetch()(`${api.origin}/to-other`, { secret: 'secret://mem/query' });
    expect(lastFrom(other).url).toBe('/landing');
  });

  it('sends no credential once a redirect has left the origin, even back to it', async () => {
    await aliceFetch()(`${api.origin}/to-bouncer`, { secret: 'secret://mem/api' });
    expect(lastFrom(bouncer).headers.authorization).toBeUndefined();
    const back = lastFrom(api);
    expect(back.url).toBe('/after-bounce');
    expect(back.headers.authorization).toBeUndefined();
  });

  it('authorizes a same-origin redirect again and keeps method and body on 307', async () => {
    const before = events().filter((e) => e.type === 'grant').length;
    await aliceFetch()(`${api.origin}/to-same`, { method: 'POST', body: 'payload', secret: 'secret://mem/api' });
    const final = lastFrom(api);
    expect(final).toMatchObject({ method: 'POST', url: '/final', body: 'payload' });
    expect(final.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(events().filter((e) => e.type === 'grant').length - before).toBe(2);
  });

  it('does not follow a redirect whose location carries the credential', async () => {
    const before = other.received.length;
    const e = await aliceFetch()(`${api.origin}/leak-redirect`, { secret: 'secret://mem/api' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(SecretFetchError);
    expect((e as SecretFetchError).kind).toBe('redirect');
    expect((e as Error).message).not.toContain(SECRET);
    expect(other.received.length).toBe(before);
    expect(events().at(-1)).toMatchObject({ type: 'refusal', stage: 'redirect' });
  });

  it('returns redirects unfollowed and scrubbed with redirect: "manual"', async () => {
    const res = await aliceFetch()(`${api.origin}/leak-redirect`, { secret: 'secret://mem/api', redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).not.toContain(encodeURIComponent(SECRET));
    expect(res.headers.get('location')).toContain(REDACTED);
  });

  it('redacts an echoed secret from headers and a chunked body', async () => {
    for (const ref of ['secret://mem/api', 'secret://mem/basic', 'secret://mem/query', 'secret://mem/header']) {
      const res = await aliceFetch()(`${api.origin}/echo`, { secret: ref });
      const text = await res.text();
      const all = `${text} ${JSON.stringify([...res.headers])} ${res.url}`;
      for (const s of [SECRET, PASSWORD, QUERY_KEY, encodeURIComponent(QUERY_KEY)]) expect(all).not.toContain(s);
      expect(all).toContain(REDACTED);
      expect(res.headers.get('content-length')).toBeNull();
    }
  });

  it('strips the credential from network errors', async () => {
    const dead = await startServer();
    const origin = dead.origin;
    await dead.close();
    const g = new Gateway({
      authorizer: makeAuthorizer([{ ref: 'secret://mem/query', hosts: [new URL(origin).host] }]),
      vaults: { mem: new MemoryVault({ query: { value: QUERY_KEY, inject: { type: 'query', param: 'k' } } }) },
    });
    const e = await createSecretFetch(g, { chain, context: session() })(`${origin}/x`, {
      secret: 'secret://mem/query',
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(SecretFetchError);
    expect((e as SecretFetchError).kind).toBe('network');
    expect((e as Error).cause).toBeUndefined();
    expect(`${(e as Error).message} ${(e as Error).stack}`).not.toContain(QUERY_KEY);
    expect(`${(e as Error).message}`).not.toContain(encodeURIComponent(QUERY_KEY));
  });

  it('refuses malformed and multiple references before sending anything', async () => {
    const before = api.received.length;
    await expect(
      aliceFetch()(`${api.origin}/ok`, { headers: { authorization: 'Bearer secret://mem/../x' } }),
    ).rejects.toThrow(SecretRefError);
    await expect(
      aliceFetch()(`${api.origin}/ok`, { secret: 'secret://mem/api', headers: { 'x-other': 'secret://mem/bob' } }),
    ).rejects.toThrow(SecretFetchError);
    expect(api.received.length).toBe(before);
  });

  it('does not mix credentials between concurrent calls', async () => {
    const alice = createSecretFetch(gateway, { chain, context: () => session() });
    const bob = createSecretFetch(gateway, { chain: bobChain, context: () => session() });
    const calls = Array.from({ length: 40 }, (_, i) => {
      const ref = i % 2 === 0 ? 'secret://mem/api' : 'secret://mem/bob';
      const f = i % 3 === 0 ? bob : alice;
      return f(`${api.origin}/slow?i=${i}`, { secret: ref }).then(async (res) => ({ i, ref, body: await res.text() }));
    });
    const results = await Promise.all(calls);
    // The server saw exactly the credential of each request's reference.
    const slow = api.received.filter((x) => x.url.startsWith('/slow'));
    expect(slow).toHaveLength(40);
    for (const r of slow) {
      const i = Number(new URL(r.url, api.origin).searchParams.get('i'));
      expect(r.headers.authorization).toBe(`Bearer ${i % 2 === 0 ? SECRET : BOB_SECRET}`);
    }
    // And the agent got back only a redaction mark (the whole echoed header value), never a credential.
    for (const r of results) expect(r.body).toBe(REDACTED);
  });
});
