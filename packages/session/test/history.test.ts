/**
 * @module test/history
 * Session history in trailing windows, as `context.session.history`: rate limits ("at most 5
 * payments an hour") and recency rules ("no egress within ten minutes of reading a secret")
 * written as Cedar policies; bounded memory; the stored form round-trips; limits fail closed.
 */
import { describe, expect, it } from 'vitest';
import { bump, countsAt, historyContext, newCounter } from '../src/history.js';
import {
  BUCKETS_PER_WINDOW,
  decodeState,
  EMPTY_STATE,
  encodeState,
  MemorySessionStore,
  StoreError,
} from '../src/index.js';
import { SessionDraft } from '../src/state.js';
import { chain, MINUTE, makeGuard, T0 } from './fixtures.js';

describe('policies over history', () => {
  it('at most 5 payments an hour', async () => {
    const { guard, clock } = await makeGuard();
    const pay = () => guard.check({ sessionId: 'h1', chain, tool: 'pay', input: { amount: 1 } });
    for (let i = 0; i < 5; i++) {
      expect((await pay()).outcome).toBe('allow');
      clock.advance(5 * MINUTE);
    }
    const sixth = await pay();
    expect(sixth).toMatchObject({ outcome: 'deny', reasons: ['payments-per-hour'] });
    // Denied calls are not counted; an hour (and a bucket) after the first ones, room again.
    clock.advance(50 * MINUTE);
    expect((await pay()).outcome).toBe('allow');
    // Other tools are not limited by it.
    expect((await guard.check({ sessionId: 'h1', chain, tool: 'read_inbox' })).outcome).toBe('allow');
  });

  it('no egress within ten minutes of reading a secret', async () => {
    const { guard, clock } = await makeGuard();
    const send = () => guard.check({ sessionId: 'h2', chain, tool: 'send_email', input: { host: 'mail.example.com' } });
    expect((await send()).outcome).toBe('allow');
    await guard.check({ sessionId: 'h2', chain, tool: 'read_secret' });
    clock.advance(9 * MINUTE);
    expect(await send()).toMatchObject({ outcome: 'deny', reasons: ['no-egress-after-secret'] });
    clock.advance(3 * MINUTE); // 12 minutes: past the window and its bucket
    expect((await send()).outcome).toBe('allow');
  });

  it('exposes counts and last times as typed context', () => {
    const draft = new SessionDraft('x', EMPTY_STATE);
    const t = T0.getTime();
    draft.count(['calls', 'action:tool.call', 'tool:pay', 'egress', 'label:secret'], t);
    draft.count(['calls', 'action:tool.call', 'tool:fetch'], t + 30 * MINUTE);
    const ctx = historyContext(draft.counters, { action: 'tool.call', counter: 'pay', now: new Date(t + 31 * MINUTE) });
    expect(ctx).toEqual({
      calls: { minute: 1n, tenMinutes: 1n, hour: 2n, day: 2n },
      action: { minute: 1n, tenMinutes: 1n, hour: 2n, day: 2n },
      tool: { minute: 0n, tenMinutes: 0n, hour: 1n, day: 1n },
      egress: { minute: 0n, tenMinutes: 0n, hour: 1n, day: 1n },
      labels: { minute: [], tenMinutes: [], hour: ['secret'], day: ['secret'] },
      lastCall: { __extn: { fn: 'datetime', arg: new Date(t + 30 * MINUTE).toISOString() } },
      lastAction: { __extn: { fn: 'datetime', arg: new Date(t + 30 * MINUTE).toISOString() } },
      lastTool: { __extn: { fn: 'datetime', arg: T0.toISOString() } },
      lastEgress: { __extn: { fn: 'datetime', arg: T0.toISOString() } },
    });
  });
});

describe('bounded memory', () => {
  it('a counter holds at most one bucket per twelfth of each window, however many events', () => {
    const c = newCounter('calls');
    const t = T0.getTime();
    for (let i = 0; i < 100_000; i++) bump(c, t + i * 1_000); // a call a second for ~28 hours
    for (const pairs of c.buckets) expect(pairs.length / 2).toBeLessThanOrEqual(BUCKETS_PER_WINDOW + 1);
    const now = t + 99_999 * 1_000;
    const n = countsAt(c, now);
    // Windows err high by at most a twelfth, never low.
    expect(n.minute).toBeGreaterThanOrEqual(60);
    expect(n.minute).toBeLessThanOrEqual(65);
    expect(n.hour).toBeGreaterThanOrEqual(3_600);
    expect(n.hour).toBeLessThanOrEqual(3_900);
    expect(n.day).toBeGreaterThanOrEqual(86_400);
  });

  it('caps counters (least recently used first, labels last) and refuses labels past the limit', async () => {
    const draft = new SessionDraft('x', EMPTY_STATE, { maxLabels: 2, maxCounters: 3, maxApprovals: 1, maxIntents: 1 });
    const t = T0.getTime();
    draft.count(['label:secret'], t);
    draft.count(['tool:a'], t + 1);
    draft.count(['tool:b'], t + 2);
    draft.count(['tool:c'], t + 3);
    expect([...draft.counters.keys()].sort()).toEqual(['label:secret', 'tool:b', 'tool:c']);
    draft.addLabels(['a', 'b', 'a']);
    expect(() => draft.addLabels(['c'])).toThrow(StoreError);
    draft.spend('i1', 5n);
    expect(() => draft.spend('i2', 5n)).toThrow(/more than 1 intents/);
    draft.useApproval('ap1', t + 1_000, t);
    expect(() => draft.useApproval('ap2', t + 1_000, t)).toThrow(StoreError);
    draft.useApproval('ap3', t + 5_000, t + 2_000); // ap1 expired: its place is free again
  });

  it('a guard denies, fail closed, when a session would exceed its label limit', async () => {
    const { guard } = await makeGuard({ limits: { maxLabels: 1 } });
    expect((await guard.check({ sessionId: 'h3', chain, tool: 'read_file', input: { path: '/a' } })).outcome).toBe(
      'allow',
    );
    const r = await guard.check({ sessionId: 'h3', chain, tool: 'read_inbox' });
    expect(r).toMatchObject({ outcome: 'deny', failure: { kind: 'store' } });
    expect(await guard.labels('h3')).toEqual(['private-data']);
  });

  it('the memory store forgets idle sessions and keeps at most maxSessions', async () => {
    let now = 0;
    const store = new MemorySessionStore({ ttlMs: 1_000, maxSessions: 2, now: () => now });
    const write = (id: string) => store.update(id, () => ({ value: 0, state: { ...EMPTY_STATE, labels: [id] } }));
    await write('a');
    await write('b');
    await write('c');
    expect(store.size).toBe(2);
    expect((await store.read('a')).labels).toEqual([]);
    expect((await store.read('c')).labels).toEqual(['c']);
    now = 1_000;
    expect((await store.read('c')).labels).toEqual([]);
  });
});

describe('stored form', () => {
  it('round-trips through JSON, bigints included, and refuses what it did not write', () => {
    const draft = new SessionDraft('x', EMPTY_STATE);
    draft.addLabels(['__proto__', 'private-data']);
    draft.count(['label:__proto__', 'calls'], T0.getTime());
    draft.spend('intent-1', 2n ** 62n);
    draft.useApproval('ap', T0.getTime() + 1_000, T0.getTime());
    const state = draft.toState(T0.getTime());
    expect(decodeState(encodeState(state), 'x')).toEqual(state);
    expect(() => decodeState('{"labels":"x"}', 'x')).toThrow(StoreError);
    expect(() => decodeState('nope', 'x')).toThrow(/state of session `x` is not JSON/);
  });
});
