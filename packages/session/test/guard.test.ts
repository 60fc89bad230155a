/**
 * @module test/guard
 * The guard as adapters use it: every hop of a delegation chain is decided; a principal
 * without a chain works with a schema of one's own; bad requests are denials that say why,
 * never exceptions; `run` executes a tool only when allowed; configuration errors throw.
 */
import { Authorizer } from '@mandate/core';
import { buildChain } from '@mandate/identity';
import { describe, expect, it } from 'vitest';
import { GuardError, SessionGuard } from '../src/index.js';
import { chain, makeGuard, TOOLS, testAuthorizer } from './fixtures.js';

describe('SessionGuard.check', () => {
  it('decides the call for every principal of the chain', async () => {
    const { guard } = await makeGuard();
    const ok = await guard.check({ sessionId: 'g1', chain, tool: 'read_file', input: { path: '/a' } });
    expect(ok.hops.map((h) => [h.role, h.principal.id, h.decision.decision])).toEqual([
      ['root', 'alice', 'allow'],
      ['agent', 'planner', 'allow'],
      ['actor', 'runner', 'allow'],
    ]);
    expect(ok.reasons).toEqual(['allow-all']);
    const rogue = buildChain({ root: { id: 'alice' }, hops: [{ id: 'rogue' }, { id: 'runner' }] });
    const denied = await guard.check({ sessionId: 'g1', chain: rogue, tool: 'read_file', input: { path: '/a' } });
    expect(denied.outcome).toBe('deny');
    expect(denied.message).toContain('hop 1');
    expect(denied.added).toEqual([]);
  });

  it('works with a plain principal and a schema-less authorizer', async () => {
    const authorizer = new Authorizer({
      policies: `permit (principal == User::"alice", action == Action::"tool.call", resource)
                 unless { context.session.labels.contains("untrusted-content") && resource.egress };`,
    });
    const guard = new SessionGuard({ authorizer, tools: TOOLS, namespace: '' });
    const alice = { type: 'User', id: 'alice' };
    expect(
      (await guard.check({ sessionId: 'p', principal: alice, tool: 'fetch', input: { url: 'https://x.example' } }))
        .outcome,
    ).toBe('allow');
    const r = await guard.check({ sessionId: 'p', principal: alice, tool: 'send_email', input: { host: 'x.example' } });
    expect(r.outcome).toBe('deny');
    expect(r.binding?.resource).toBe('Tool::"send_email"');
    expect(
      (await guard.check({ sessionId: 'p', principal: { type: 'User', id: 'eve' }, tool: 'read_inbox' })).outcome,
    ).toBe('deny');
  });

  it('answers bad requests with a denial that says why', async () => {
    const { guard } = await makeGuard();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ sessionId: '', chain, tool: 'read_file' }, 'request', 'session id'],
      [{ sessionId: 'x', tool: 'read_file' }, 'request', '`chain` or a `principal`'],
      [{ sessionId: 'x', chain, tool: 'read_file', context: { session: {} } }, 'request', '`context.session`'],
      [{ sessionId: 'x', chain, tool: 'fetch', input: { url: 'not a url' } }, 'input', '`not a url`'],
      [
        { sessionId: 'x', chain, tool: 'fetch', input: { url: 'https://x', n: Number.POSITIVE_INFINITY } },
        'input',
        'input.n',
      ],
      [{ sessionId: 'x', chain, tool: 'read_file', session: { ip: '999.1.1.1' } }, 'request', 'session.ip'],
      [{ sessionId: 'x', chain, tool: 'read_file', intent: 'a.b.c' }, 'intent', 'intent mandate refused'],
    ];
    for (const [req, kind, text] of cases) {
      const r = await guard.check(req as never);
      expect(r.outcome, text).toBe('deny');
      expect(r.failure?.kind, text).toBe(kind);
      expect(r.message, text).toContain(text);
    }
    const tooDeep = buildChain({ root: { id: 'alice' }, hops: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] });
    const { guard: strict } = await makeGuard({ maxChainDepth: 2 });
    const deep = await strict.check({ sessionId: 'x', chain: tooDeep, tool: 'read_file' });
    expect(deep).toMatchObject({ outcome: 'deny', failure: { kind: 'chain' } });
  });

  it('passes session facts through to context.session (a risky session is denied by policy)', async () => {
    const authorizer = new Authorizer({
      policies: `permit (principal, action, resource) when { context.session.risk < 50 && context.session has ip };`,
      schema: (await import('./fixtures.js')).SCHEMA,
    });
    const guard = new SessionGuard({ authorizer, tools: TOOLS });
    const call = (risk: number) =>
      guard.check({
        sessionId: 'f',
        chain,
        tool: 'read_file',
        input: { path: '/a' },
        session: { ip: '10.1.2.3', risk },
      });
    expect((await call(10)).outcome).toBe('allow');
    expect((await call(90)).outcome).toBe('deny');
  });
});

describe('SessionGuard.run', () => {
  it('executes the tool only when allowed, and records its output labels', async () => {
    const { guard } = await makeGuard();
    let ran = 0;
    const denied = await guard.run({ sessionId: 'r', chain, tool: 'delete_file', input: { path: '/a' } }, () => ran++);
    expect(denied.outcome.outcome).toBe('needs-approval');
    expect('output' in denied).toBe(false);
    expect(ran).toBe(0);
    const ok = await guard.run({ sessionId: 'r', chain, tool: 'summarize' }, () => 'BEGIN PRIVATE KEY');
    expect(ok.output).toBe('BEGIN PRIVATE KEY');
    expect(await guard.labels('r')).toEqual(['secret']);
  });
});

describe('configuration', () => {
  it('throws GuardError for what cannot work', () => {
    expect(() => new SessionGuard({ authorizer: {} as never, tools: {} })).toThrow(GuardError);
    expect(() => new SessionGuard({ authorizer: testAuthorizer(), tools: TOOLS, namespace: 'Other' })).toThrow(
      /cannot be added as entities/,
    );
  });
});
