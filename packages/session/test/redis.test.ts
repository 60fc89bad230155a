/**
 * @module test/redis
 * The Redis-backed store against a real `redis-server` started by this file (unix socket in a
 * temp dir, no persistence) and killed after. Sessions span processes: two guards with two
 * store instances on two connections decide one session, and two concurrent calls — one
 * through each — cannot both pass the trifecta guard. Missing `redis-server` fails the run
 * under CI and skips it elsewhere.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionStore, SessionGuard, type StoreError } from '../src/index.js';
import { chain, makeGuard, TOOLS, testAuthorizer } from './fixtures.js';

const REDIS = '/usr/bin/redis-server';
const available = spawnSync(REDIS, ['--version']).status === 0 || spawnSync('redis-server', ['--version']).status === 0;

describe('redis-server', () => {
  // Where the Redis tests must run (CI installs redis-server), its absence is a failure.
  it.skipIf(!available && !process.env.CI)('is installed', () => {
    expect(available, 'redis-server is not installed; CI installs it').toBe(true);
  });
});

describe.runIf(available)('RedisSessionStore', () => {
  let dir: string;
  let server: ChildProcess;
  let socket: string;
  const clients: Redis[] = [];

  const connect = () => {
    const c = new Redis({ path: socket, lazyConnect: false, maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mandate-redis-'));
    socket = join(dir, 'r.sock');
    const bin = spawnSync(REDIS, ['--version']).status === 0 ? REDIS : 'redis-server';
    server = spawn(bin, ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: 'ignore',
    });
    const probe = new Redis({ path: socket, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => {}); // refused connections until the server is up are expected
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') break;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server did not start on \`${socket}\``);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    probe.disconnect();
  }, 15_000);

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function twoProcesses(prefix: string) {
    const { guard: a } = await makeGuard({ store: new RedisSessionStore({ client: connect(), prefix }) });
    const storeB = new RedisSessionStore({ client: connect(), prefix });
    const b = new SessionGuard({ authorizer: testAuthorizer(), tools: TOOLS, store: storeB });
    return { a, b };
  }

  it('shares a session between two stores on two connections, with a TTL', async () => {
    const { a, b } = await twoProcesses('share:');
    await a.check({ sessionId: 's1', chain, tool: 'read_file', input: { path: '/home/alice/notes' } });
    expect(await b.labels('s1')).toEqual(['private-data']);
    await b.check({ sessionId: 's1', chain, tool: 'read_inbox' });
    const r = await a.check({ sessionId: 's1', chain, tool: 'send_email', input: { host: 'evil.example' } });
    expect(r).toMatchObject({ outcome: 'deny', reasons: ['trifecta-egress'] });
    const probe = connect();
    const ttl = await probe.pttl('share:s1');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(86_400_000);
    await b.store.delete('s1');
    expect(await a.labels('s1')).toEqual([]);
  });

  it('two concurrent calls in two processes: exactly one passes the trifecta guard', async () => {
    const { a, b } = await twoProcesses('race:');
    for (let i = 0; i < 20; i++) {
      const s = `s${i}`;
      await a.check({ sessionId: s, chain, tool: 'read_file', input: { path: '/home/alice/notes' } });
      const both = await Promise.all([
        a.check({ sessionId: s, chain, tool: 'fetch', input: { url: 'https://a.example/' } }),
        b.check({ sessionId: s, chain, tool: 'fetch', input: { url: 'https://b.example/' } }),
      ]);
      expect(both.map((o) => o.outcome).sort()).toEqual(['allow', 'deny']);
      expect(await a.labels(s)).toEqual(['private-data', 'untrusted-content']);
    }
  });

  it("when both read the same version, the loser re-decides on the winner's state", async () => {
    // Both stores' first reads wait for each other, so both decide on the same state and
    // race to write: the compare-and-set must refuse one.
    let waiting: (() => void)[] = [];
    let gate = 2;
    const barrier = (c: Redis): Redis =>
      new Proxy(c, {
        get(target, prop, recv) {
          const v = Reflect.get(target, prop, recv);
          if (prop !== 'hmget' || typeof v !== 'function') return typeof v === 'function' ? v.bind(target) : v;
          return async (...args: unknown[]) => {
            const res = await v.apply(target, args);
            if (gate > 0) {
              gate--;
              await new Promise<void>((resolve) => {
                waiting.push(resolve);
                if (gate === 0) for (const w of waiting) w();
              });
              waiting = [];
            }
            return res;
          };
        },
      });
    const storeA = new RedisSessionStore({ client: barrier(connect()), prefix: 'cas:' });
    const storeB = new RedisSessionStore({ client: barrier(connect()), prefix: 'cas:' });
    const seed = new SessionGuard({
      authorizer: testAuthorizer(),
      tools: TOOLS,
      store: new RedisSessionStore({ client: connect(), prefix: 'cas:' }),
    });
    await seed.check({ sessionId: 's', chain, tool: 'read_file', input: { path: '/home/alice/notes' } });
    const a = new SessionGuard({ authorizer: testAuthorizer(), tools: TOOLS, store: storeA });
    const b = new SessionGuard({ authorizer: testAuthorizer(), tools: TOOLS, store: storeB });
    const both = await Promise.all([
      a.check({ sessionId: 's', chain, tool: 'fetch', input: { url: 'https://a.example/' } }),
      b.check({ sessionId: 's', chain, tool: 'fetch', input: { url: 'https://b.example/' } }),
    ]);
    expect(both.map((o) => o.outcome).sort()).toEqual(['allow', 'deny']);
    expect(storeA.conflicts + storeB.conflicts).toBe(1);
  });

  it('reloads its script after SCRIPT FLUSH', async () => {
    const client = connect();
    const store = new RedisSessionStore({ client, prefix: 'flush:' });
    await store.update('s', (st) => ({ value: 1, state: { ...st, labels: ['a'] } }));
    await client.script('FLUSH');
    await store.update('s', (st) => ({ value: 1, state: { ...st, labels: [...st.labels, 'b'] } }));
    expect((await store.read('s')).labels).toEqual(['a', 'b']);
  });

  it('fails closed on data it did not write and on a backend that is down', async () => {
    const client = connect();
    await client.hset('bad:s', 'v', '3', 's', '{"labels":7}');
    const { guard } = await makeGuard({ store: new RedisSessionStore({ client, prefix: 'bad:' }) });
    const r = await guard.check({ sessionId: 's', chain, tool: 'read_file', input: { path: '/a' } });
    expect(r).toMatchObject({ outcome: 'deny', failure: { kind: 'store' } });
    expect((r.failure?.cause as StoreError | undefined)?.kind).toBe('corrupt');

    const down = new Redis({
      path: join(dir, 'nothing.sock'),
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    down.on('error', () => {});
    clients.push(down);
    const { guard: g2 } = await makeGuard({ store: new RedisSessionStore({ client: down }) });
    const r2 = await g2.check({ sessionId: 's', chain, tool: 'read_file', input: { path: '/a' } });
    expect(r2).toMatchObject({ outcome: 'deny', failure: { kind: 'store' } });
    expect((r2.failure?.cause as StoreError | undefined)?.kind).toBe('backend');
  });
});
