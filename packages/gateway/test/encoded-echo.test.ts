/**
 * @module test/encoded-echo
 * The secretless fetch against a loopback server that echoes the credential re-encoded: the
 * Authorization header base64-encoded in a JSON field, the whole request head base64-encoded
 * (the value at each of the three byte alignments), the token in hex. The agent-facing response
 * contains none of it — checked independently of the registered forms, by decoding whatever
 * base64 is left between redaction marks — and a response with short, innocent base64 comes
 * back byte for byte.
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretFetch, Gateway, MemoryVault, REDACTED } from '../src/index.js';
import { chain, makeAuthorizer, session, startServer, type TestServer } from './fixtures.js';

const SECRET = 'sk_live_51H-abc/DEF+ghi=jkl_0123456789';
const PASSWORD = 'p@ss:w0rd-basic-secret';
const QUERY_KEY = 'qk-3f9a2b7c1d&x=y';

// Short base64 an API might send anyway: a fragment of the secret's own base64 (11 chars, below
// the 12-char minimum), an etag, a PNG signature, and a sha-256 of something else.
const INNOCENT = JSON.stringify({
  prefix: Buffer.from('sk_live_').toString('base64'),
  etag: 'W/"c2stbGl2ZQ=="',
  png: 'iVBORw0KGgo=',
  sha: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
  hex: Buffer.from('sk_live').toString('hex'),
});

let api: TestServer;
let gateway: Gateway;
/** Each request head echoed by /head, as the server read it. */
const heads: string[] = [];

/** The forms the credential of each reference takes on the wire (and must not come back in). */
const WIRE: Record<string, string[]> = {
  'secret://mem/api': [SECRET],
  'secret://mem/header': [SECRET],
  'secret://mem/basic': [PASSWORD, Buffer.from(`svc:${PASSWORD}`).toString('base64')],
  'secret://mem/query': [QUERY_KEY, new URLSearchParams({ v: QUERY_KEY }).toString().slice(2)],
};

/** The request head as it arrived: request line and headers, as sent. */
function head(req: IncomingMessage): string {
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** The token as presented, without the scheme or prefix the injection put before it. */
function token(req: IncomingMessage): string {
  const auth = req.headers.authorization ?? '';
  if (auth.startsWith('Bearer ')) return auth.slice('Bearer '.length);
  if (auth.startsWith('Basic ')) {
    const pair = Buffer.from(auth.slice('Basic '.length), 'base64').toString();
    return pair.slice(pair.indexOf(':') + 1);
  }
  const key = req.headers['x-api-key'];
  if (typeof key === 'string') return key.replace(/^Key /, '');
  return new URL(req.url ?? '/', 'http://x').searchParams.get('api_key') ?? '';
}

beforeAll(async () => {
  api = await startServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'application/json');
    if (u.pathname === '/auth-b64') {
      // (a) The Authorization header (or the custom one) base64- and base64url-encoded.
      const h = req.headers.authorization ?? String(req.headers['x-api-key'] ?? '');
      res.end(
        JSON.stringify({
          authorization: Buffer.from(h).toString('base64'),
          url: Buffer.from(h).toString('base64url'),
        }),
      );
    } else if (u.pathname === '/head') {
      // (b) The whole request head base64-encoded; the pad in the URL moves the credential.
      const text = head(req);
      heads.push(text);
      res.end(JSON.stringify({ request: Buffer.from(text).toString('base64') }));
    } else if (u.pathname === '/token-b64') {
      // (b') The bare token behind `pad` filler bytes, then more bytes: every alignment of the value itself.
      const pad = Buffer.alloc(Number(u.searchParams.get('pad')), 0x7a);
      const data = Buffer.concat([pad, Buffer.from(token(req)), Buffer.from('!tail')]);
      res.end(JSON.stringify({ data: data.toString('base64'), dataUrl: data.toString('base64url') }));
    } else if (u.pathname === '/hex') {
      // (c) The token in hex, both cases, and the whole header value in hex.
      const hex = Buffer.from(token(req)).toString('hex');
      const header = Buffer.from(req.headers.authorization ?? '').toString('hex');
      res.end(JSON.stringify({ lower: hex, upper: hex.toUpperCase(), header }));
    } else if (u.pathname === '/innocent') {
      res.end(INNOCENT);
    } else res.end('{}');
  });
  gateway = new Gateway({
    authorizer: makeAuthorizer([
      { ref: 'secret://mem/api', hosts: [api.host] },
      { ref: 'secret://mem/basic', hosts: [api.host] },
      { ref: 'secret://mem/query', hosts: [api.host] },
      { ref: 'secret://mem/header', hosts: [api.host] },
    ]),
    vaults: {
      mem: new MemoryVault({
        api: { value: SECRET },
        basic: { value: PASSWORD, inject: { type: 'basic', username: 'svc' } },
        query: { value: QUERY_KEY, inject: { type: 'query', param: 'api_key' } },
        header: { value: SECRET, inject: { type: 'header', name: 'X-Api-Key', prefix: 'Key ' } },
      }),
    },
  });
});

afterAll(async () => {
  await api.close();
});

const fetchWith = async (path: string, secret: string) => {
  const res = await createSecretFetch(gateway, { chain, context: () => session() })(`${api.origin}${path}`, {
    secret,
  });
  return res.text();
};

/**
 * Whether any base64 left in `text` (between redaction marks and JSON punctuation) decodes, at
 * any of the four character offsets, to bytes that contain `secret`.
 */
function decodesTo(text: string, secret: string): boolean {
  const needle = Buffer.from(secret);
  for (const run of text.split(REDACTED).flatMap((p) => p.split(/[^A-Za-z0-9+/_-]+/)))
    for (let k = 0; k < 4; k++) if (Buffer.from(run.slice(k), 'base64').includes(needle)) return true;
  return false;
}

/** Whether `text` has `secret` in hex, either case. */
function hexOf(text: string, secret: string): boolean {
  const hex = Buffer.from(secret).toString('hex');
  return text.toLowerCase().includes(hex);
}

describe('createSecretFetch against re-encoded echoes', () => {
  it('redacts the Authorization header echoed base64- and base64url-encoded in JSON', async () => {
    for (const ref of ['secret://mem/api', 'secret://mem/basic', 'secret://mem/header']) {
      const text = await fetchWith('/auth-b64', ref);
      const body = JSON.parse(text) as Record<string, string>;
      expect(body.authorization).toContain(REDACTED);
      expect(body.url).toContain(REDACTED);
      for (const w of WIRE[ref] ?? []) expect(decodesTo(text, w)).toBe(false);
    }
  });

  it('redacts the whole request head base64-encoded, the credential at every byte alignment', async () => {
    for (const [ref, wire] of Object.entries(WIRE)) {
      const sent = wire.at(-1) as string; // how the head carries it: raw, form-encoded or basic base64
      const offsets = new Set<number>();
      for (let pad = 0; pad < 6; pad++) {
        const text = await fetchWith(`/head?pad=${'x'.repeat(pad)}`, ref);
        const at = Buffer.from(heads.at(-1) ?? '').indexOf(Buffer.from(sent));
        expect(at).toBeGreaterThan(0); // the echo did carry the credential
        offsets.add(at % 3);
        const request = (JSON.parse(text) as { request: string }).request;
        expect(request).toContain(REDACTED);
        for (const w of wire) expect(decodesTo(text, w)).toBe(false);
        // The rest of the head still decodes: only the credential's run was taken out.
        expect(Buffer.from(request.split(REDACTED)[0] ?? '', 'base64').toString()).toMatch(/^GET \/head\?pad=x*/);
      }
      // The pads put the credential at offset 0, 1 and 2 of a base64 group.
      expect([...offsets].sort()).toEqual([0, 1, 2]);
    }
  });

  it('redacts the bare token base64-encoded behind any number of bytes', async () => {
    for (const [ref, [secret]] of Object.entries(WIRE)) {
      for (let pad = 0; pad < 3; pad++) {
        const text = await fetchWith(`/token-b64?pad=${pad}`, ref);
        const body = JSON.parse(text) as Record<string, string>;
        expect(body.data).toContain(REDACTED);
        expect(body.dataUrl).toContain(REDACTED);
        expect(decodesTo(text, secret as string)).toBe(false);
      }
    }
  });

  it('redacts the token and the header value echoed in hex, lower and upper case', async () => {
    for (const [ref, secret] of [
      ['secret://mem/api', SECRET],
      ['secret://mem/basic', PASSWORD],
      ['secret://mem/query', QUERY_KEY],
    ] as const) {
      const text = await fetchWith('/hex', ref);
      const body = JSON.parse(text) as Record<string, string>;
      expect(body.lower).toBe(REDACTED);
      expect(body.upper).toBe(REDACTED);
      expect(hexOf(text, secret)).toBe(false);
    }
    const body = JSON.parse(await fetchWith('/hex', 'secret://mem/api')) as Record<string, string>;
    expect(body.header).toBe(REDACTED);
  });

  it('leaves a response with short, innocent base64 and hex unchanged', async () => {
    for (const ref of Object.keys(WIRE)) expect(await fetchWith('/innocent', ref)).toBe(INNOCENT);
  });
});
