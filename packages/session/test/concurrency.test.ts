/**
 * @module test/concurrency
 * Labels, history and budgets are read and updated atomically with the decision. Two
 * concurrent calls, either of which alone is fine, cannot both pass when together they must
 * not: two web fetches after reading private data (each would be the first untrusted
 * content; the second would be egress with the trifecta complete), two payments that each
 * fit the budget but not together. A deliberately non-atomic store shows the race is real.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_STATE, type SessionState, type SessionStore, type SessionUpdate } from '../src/index.js';
import { chain, intentToken, makeGuard } from './fixtures.js';

/** Reads, yields to other callbacks, then writes blindly: the bug atomic stores exist to prevent. */
class RacyStore implements SessionStore {
  readonly #m = new Map<string, SessionState>();
  async update<T>(id: string, decide: (s: SessionState) => SessionUpdate<T>): Promise<T> {
    const state = this.#m.get(id) ?? EMPTY_STATE;
    await new Promise((r) => setTimeout(r, 5));
    const res = decide(state);
    if (res.state !== undefined) this.#m.set(id, res.state);
    return res.value;
  }
  async read(id: string) {
    return this.#m.get(id) ?? EMPTY_STATE;
  }
  async delete(id: string) {
    this.#m.delete(id);
  }
}

const fetchCall = (sessionId: string, url: string) => ({ sessionId, chain, tool: 'fetch', input: { url } }) as const;

describe('the trifecta guard under concurrency (in-memory store)', () => {
  it('each fetch alone is allowed after reading private data', async () => {
    const { guard } = await makeGuard();
    for (const [s, url] of [
      ['alone-1', 'https://a.example/'],
      ['alone-2', 'https://b.example/'],
    ] as const) {
      await guard.check({ sessionId: s, chain, tool: 'read_file', input: { path: '/home/alice/notes' } });
      expect((await guard.check(fetchCall(s, url))).outcome).toBe('allow');
    }
  });

  it('two concurrent fetches: exactly one passes', async () => {
    const { guard } = await makeGuard();
    for (let i = 0; i < 20; i++) {
      const s = `race-${i}`;
      await guard.check({ sessionId: s, chain, tool: 'read_file', input: { path: '/home/alice/notes' } });
      const both = await Promise.all([
        guard.check(fetchCall(s, 'https://a.example/')),
        guard.check(fetchCall(s, 'https://b.example/')),
      ]);
      expect(both.map((o) => o.outcome).sort()).toEqual(['allow', 'deny']);
      expect(both.find((o) => o.outcome === 'deny')?.reasons).toEqual(['trifecta-egress']);
    }
  });

  it('two concurrent payments that together exceed the budget: exactly one passes', async () => {
    const { guard, keys } = await makeGuard();
    const intent = await intentToken(keys.wallet, { budget: { amount: 1_000n, currency: 'EUR' } });
    const pay = () => guard.check({ sessionId: 'pay-race', chain, tool: 'pay', input: { amount: 600 }, intent });
    const both = await Promise.all([pay(), pay()]);
    expect(both.map((o) => o.outcome).sort()).toEqual(['allow', 'deny']);
    expect(both.find((o) => o.outcome === 'deny')?.reasons).toEqual(['mandate:intent-budget']);
  });

  it('control: a store that does not update atomically lets both through', async () => {
    const { guard } = await makeGuard({ store: new RacyStore() });
    await guard.check({ sessionId: 'racy', chain, tool: 'read_file', input: { path: '/home/alice/notes' } });
    const both = await Promise.all([
      guard.check(fetchCall('racy', 'https://a.example/')),
      guard.check(fetchCall('racy', 'https://b.example/')),
    ]);
    expect(both.map((o) => o.outcome)).toEqual(['allow', 'allow']);
  });
});
