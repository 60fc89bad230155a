/**
 * @module redis-store
 * Sessions in Redis, for sessions that span processes (several guards, one user's task).
 * Each session is one hash, `<prefix><session id>` with fields `v` (a version) and `s` (the
 * state's JSON), expiring after `ttlMs` without an update.
 *
 * An update is optimistic: read `v` and `s` (one `HMGET`), decide in JavaScript (Cedar does
 * not run inside Redis), then write with a Lua script that sets the new state only if `v` is
 * still the one read — a compare-and-set, atomic because Redis runs a script alone. When
 * another process wrote in between, the decision is re-run on the newer state, with a small
 * random back-off, so two concurrent calls in two processes are decided one after the other.
 *
 * ioredis is an optional peer dependency: this module only needs a client you pass in.
 */
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { messageOf, StoreError } from './errors.js';
import { decodeState, EMPTY_STATE, encodeState, type SessionState } from './state.js';
import type { SessionStore, SessionUpdate } from './store.js';

const COMPARE_AND_SET = `
local v = redis.call('HGET', KEYS[1], 'v')
if not v then v = '0' end
if v ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 's', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`;
const COMPARE_AND_SET_SHA = createHash('sha1').update(COMPARE_AND_SET).digest('hex');

export interface RedisSessionStoreOptions {
  /** An ioredis client (`new Redis(…)` or a `Cluster`); the store does not close it. */
  readonly client: Redis | Cluster;
  /** Key prefix (default `mandate:session:`). */
  readonly prefix?: string | undefined;
  /** A session not updated this long expires (default 24 hours). */
  readonly ttlMs?: number | undefined;
  /** Attempts at an update before giving up with a `conflict` error (default 50). */
  readonly maxAttempts?: number | undefined;
}

export class RedisSessionStore implements SessionStore {
  readonly #client: Redis | Cluster;
  readonly #prefix: string;
  readonly #ttl: number;
  readonly #maxAttempts: number;
  #conflicts = 0;

  constructor(opts: RedisSessionStoreOptions) {
    this.#client = opts.client;
    this.#prefix = opts.prefix ?? 'mandate:session:';
    this.#ttl = opts.ttlMs ?? 86_400_000;
    this.#maxAttempts = opts.maxAttempts ?? 50;
    if (!Number.isInteger(this.#ttl) || this.#ttl <= 0) throw new RangeError('`ttlMs` must be a positive integer');
    if (!Number.isInteger(this.#maxAttempts) || this.#maxAttempts < 1)
      throw new RangeError('`maxAttempts` must be a positive integer');
  }

  /** Updates that lost a race and were re-run (since this store was made). */
  get conflicts(): number {
    return this.#conflicts;
  }

  async update<T>(sessionId: string, decide: (state: SessionState) => SessionUpdate<T>): Promise<T> {
    const key = this.#key(sessionId);
    for (let attempt = 0; attempt < this.#maxAttempts; attempt++) {
      const { version, state } = await this.#load(sessionId, key);
      const result = decide(state);
      if (result.state === undefined) return result.value;
      const next = String(version + 1);
      const won = await this.#run(sessionId, () =>
        this.#cas(key, String(version), next, encodeState(result.state as SessionState)),
      );
      if (won) return result.value;
      this.#conflicts++;
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
    throw new StoreError(
      'conflict',
      `session \`${sessionId}\` kept changing: gave up after ${this.#maxAttempts} attempts`,
      sessionId,
    );
  }

  async read(sessionId: string): Promise<SessionState> {
    return (await this.#load(sessionId, this.#key(sessionId))).state;
  }

  async delete(sessionId: string): Promise<void> {
    await this.#run(sessionId, () => this.#client.del(this.#key(sessionId)));
  }

  #key(sessionId: string): string {
    return `${this.#prefix}${sessionId}`;
  }

  async #load(sessionId: string, key: string): Promise<{ version: number; state: SessionState }> {
    const [v, s] = await this.#run(sessionId, () => this.#client.hmget(key, 'v', 's'));
    if (v === null || v === undefined) return { version: 0, state: EMPTY_STATE };
    const version = Number(v);
    if (!Number.isSafeInteger(version) || version < 1 || typeof s !== 'string')
      throw new StoreError('corrupt', `session key \`${key}\` does not hold a Mandate session`, sessionId);
    return { version, state: decodeState(s, sessionId) };
  }

  async #cas(key: string, expected: string, next: string, data: string): Promise<boolean> {
    const args = [key, expected, next, data, String(this.#ttl)];
    let res: unknown;
    try {
      res = await this.#client.evalsha(COMPARE_AND_SET_SHA, 1, ...args);
    } catch (e) {
      // The script cache is empty after a restart or on a new server: send the script itself once.
      if (!messageOf(e).startsWith('NOSCRIPT')) throw e;
      res = await this.#client.eval(COMPARE_AND_SET, 1, ...args);
    }
    return res === 1;
  }

  async #run<R>(sessionId: string, op: () => Promise<R>): Promise<R> {
    try {
      return await op();
    } catch (e) {
      if (e instanceof StoreError) throw e;
      throw new StoreError('backend', `redis failed for session \`${sessionId}\`: ${messageOf(e)}`, sessionId, {
        cause: e,
      });
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
