/**
 * @module test/fixtures
 * Shared test material: the Mandate schema and test policies, ES256 keys generated per run,
 * real signed delegation tokens (RFC 8693 `act`) and approvals, an MCP server with five
 * tools whose handlers log their calls, and in-memory client connections carrying a bearer
 * token the way an HTTP transport would.
 *
 * Tokens are signed with WebCrypto here (jose is a dependency of @mandate/identity, which
 * verifies them, but not of this package); they are ordinary ES256 JWS compact tokens.
 */

import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Authorizer } from '@mandate/core';
import { type CallBinding, issueApproval, type SessionGuardOptions, type ToolSpec } from '@mandate/session';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type Authenticate, McpServerGuard, type McpServerGuardOptions } from '../src/index.js';

const root = join(import.meta.dirname, '..', '..', '..');
export const SCHEMA = readFileSync(join(root, 'policies', 'schema', 'mandate.cedarschema'), 'utf8');
export const POLICIES = readFileSync(join(import.meta.dirname, 'fixtures', 'policies.cedar'), 'utf8');

type CryptoKey = webcrypto.CryptoKey;

export const ISSUER = 'https://as.example.com';
export const AUDIENCE = 'https://mcp.example.com';
export const APPROVER = 'https://approvals.example.com';

export const TOOLS: Record<string, ToolSpec> = {
  read_file: { readsPrivate: true },
  fetch_page: { ingestsUntrusted: true },
  send_email: { egress: true },
  delete_file: {},
  run_shell: {},
};

export interface KeyPair {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

export async function makeKeys(): Promise<KeyPair> {
  return (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as KeyPair;
}

const b64url = (b: Uint8Array | string) =>
  Buffer.from(typeof b === 'string' ? Buffer.from(b, 'utf8') : b).toString('base64url');

/** An ES256 JWT (WebCrypto's ECDSA signature is r‖s, which is what JWS wants). */
export async function signJwt(payload: Record<string, unknown>, key: CryptoKey): Promise<string> {
  const input = `${b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
  const sig = await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, Buffer.from(input));
  return `${input}.${b64url(new Uint8Array(sig))}`;
}

/** A delegation token: `user` delegated to `agents[0]`, … , the last agent is the actor. */
export function delegationToken(
  key: CryptoKey,
  user: string,
  agents: readonly string[],
  over: Record<string, unknown> = {},
) {
  const now = Math.floor(Date.now() / 1000);
  let act: Record<string, unknown> | undefined;
  for (const a of agents) act = act === undefined ? { sub: a } : { sub: a, act };
  return signJwt(
    { iss: ISSUER, aud: AUDIENCE, sub: user, iat: now, exp: now + 300, ...(act ? { act } : {}), ...over },
    key,
  );
}

export function approvalToken(key: CryptoKey, binding: CallBinding): Promise<string> {
  return issueApproval(binding, {
    key,
    alg: 'ES256',
    issuer: APPROVER,
    audience: AUDIENCE,
    approver: 'bob@example.com',
    ttl: 300,
  });
}

let authorizer: Authorizer | undefined;
export function testAuthorizer(): Authorizer {
  authorizer ??= new Authorizer({ policies: POLICIES, schema: SCHEMA, idAnnotation: true });
  return authorizer;
}

export interface Keys {
  readonly issuer: KeyPair;
  readonly approver: KeyPair;
  readonly other: KeyPair;
}
let keys: Promise<Keys> | undefined;
export function testKeys(): Promise<Keys> {
  keys ??= (async () => ({ issuer: await makeKeys(), approver: await makeKeys(), other: await makeKeys() }))();
  return keys;
}

export function guardOptions(k: Keys, over: Partial<SessionGuardOptions> = {}): SessionGuardOptions {
  return {
    authorizer: testAuthorizer(),
    tools: TOOLS,
    approvals: { key: k.approver.publicKey, issuer: APPROVER, audience: AUDIENCE },
    ...over,
  };
}

export function authenticateWith(k: Keys): Authenticate {
  return { key: k.issuer.publicKey, issuer: ISSUER, audience: AUDIENCE };
}

/** Which handlers ran, with what. */
export type CallLog = { tool: string; args: unknown }[];

/** An MCP server, guarded before its tools are registered, whose handlers log their calls. */
export function makeServer(mandate: McpServerGuard, log: CallLog): McpServer {
  const server = new McpServer({ name: 'files', version: '1.0.0' });
  mandate.attach(server);
  const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });
  server.registerTool('read_file', { inputSchema: { path: z.string() } }, async (args) => {
    log.push({ tool: 'read_file', args });
    return text(`contents of ${args.path}`);
  });
  server.registerTool('fetch_page', { inputSchema: { url: z.string() } }, async (args) => {
    log.push({ tool: 'fetch_page', args });
    return text(`<html>page at ${args.url}</html>`);
  });
  server.registerTool('send_email', { inputSchema: { host: z.string(), text: z.string() } }, async (args) => {
    log.push({ tool: 'send_email', args });
    return text(`sent to ${args.host}`);
  });
  server.registerTool('delete_file', { inputSchema: { path: z.string() } }, async (args) => {
    log.push({ tool: 'delete_file', args });
    return text(`deleted ${args.path}`);
  });
  server.registerTool('run_shell', { inputSchema: { command: z.string() } }, async (args) => {
    log.push({ tool: 'run_shell', args });
    return text('ran');
  });
  return server;
}

export function makeGuard(k: Keys, over: Partial<McpServerGuardOptions> = {}): McpServerGuard {
  return new McpServerGuard({ guard: guardOptions(k), authenticate: authenticateWith(k), ...over });
}

/**
 * A client connected in memory; every message it sends carries `authInfo` with `token`, as
 * the Streamable HTTP transport does from an `Authorization: Bearer` header.
 */
export async function connect(server: McpServer, token?: string, clientId = 'test-client'): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  if (token !== undefined) {
    const authInfo: AuthInfo = { token, clientId, scopes: [] };
    const send = clientSide.send.bind(clientSide);
    clientSide.send = (message: JSONRPCMessage, options?: Parameters<InMemoryTransport['send']>[1]) =>
      send(message, { ...options, authInfo });
  }
  await server.connect(serverSide);
  const client = new Client({ name: 'agent', version: '1.0.0' });
  await client.connect(clientSide);
  return client;
}

/** The text of a tool result. */
export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? '').join('\n');
}

/** The Mandate decision of a tool result. */
export function decisionOf(result: unknown): Record<string, unknown> | undefined {
  return (result as { _meta?: Record<string, Record<string, unknown>> })._meta?.['mandate/decision'];
}
