/**
 * @module store
 * Where sessions live. A guard reads a session's labels and history, decides, and writes the
 * result back as one atomic step, so two concurrent tool calls cannot both decide on the
 * state from before either of them (and so both slip past the trifecta guard or a rate
 * limit). {@link SessionStore.update} is that step; each store makes it atomic its own way:
 * the in-memory store by running it synchronously (JavaScript runs one callback at a time),
 * the Redis store by a compare-and-set on a version, re-running the decision when another
 * process won the race.
 */
import { messageOf, StoreError } from './errors.js';
import { EMPTY_STATE, type SessionState } from './state.js';

/** What a decision returns to the store: its value, and the new state to write (none: nothing changes). */
export interface SessionUpdate<T> {
  readonly value: T;
  readonly state?: SessionState | undefined;
}

export interface SessionStore {
  /**
   * Atomically read session `sessionId`'s state, pass it to `decide` and write the state it
   * returns. `decide` must be synchronous and free of side effects: a store may run it more
   * than once (on a newer state after losing a race); only the run whose write succeeded
   * counts. Throws {@link StoreError}.
   */
  update<T>(sessionId: string, decide: (state: SessionState) => SessionUpdate<T>): Promise<T>;
  /** The session's state (the empty state for an unknown or expired session). */
  read(sessionId: string): Promise<SessionState>;
  /** Forget a session. */
  delete(sessionId: string): Promise<void>;
}

export interface MemorySessionStoreOptions {
  /** A session untouched this long is forgotten (default 24 hours). */
  readonly ttlMs?: number | undefined;
  /** Sessions kept at most; the least recently updated go first (default 10,000). */
  readonly maxSessions?: number | undefined;
  /** The clock (default `Date.now`). */
  readonly now?: (() => number) | undefined;
}

/** Sessions in this process's memory: the default, for a guard that is the only one deciding for its sessions. */
export class MemorySessionStore implements SessionStore {
  // Insertion order is recency order: an update deletes and re-inserts its session.
  readonly #sessions = new Map<string, { state: SessionState; touched: number }>();
  readonly #ttl: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(opts: MemorySessionStoreOptions = {}) {
    this.#ttl = opts.ttlMs ?? 86_400_000;
    this.#max = opts.maxSessions ?? 10_000;
    this.#now = opts.now ?? Date.now;
    if (!(this.#ttl > 0) || !(this.#max >= 1)) throw new RangeError('`ttlMs` and `maxSessions` must be positive');
  }

  async update<T>(sessionId: string, decide: (state: SessionState) => SessionUpdate<T>): Promise<T> {
    // Read, decide and write with no await in between: no other update can interleave.
    const state = this.#get(sessionId);
    let result: SessionUpdate<T>;
    try {
      result = decide(state);
    } catch (e) {
      if (e instanceof StoreError) throw e;
      throw new StoreError('backend', `deciding on session \`${sessionId}\` failed: ${messageOf(e)}`, sessionId, {
        cause: e,
      });
    }
    if (result.state !== undefined) {
      this.#sessions.delete(sessionId);
      this.#sessions.set(sessionId, { state: result.state, touched: this.#now() });
      while (this.#sessions.size > this.#max) {
        const oldest = this.#sessions.keys().next().value as string;
        this.#sessions.delete(oldest);
      }
    }
    return result.value;
  }

  async read(sessionId: string): Promise<SessionState> {
    return this.#get(sessionId);
  }

  async delete(sessionId: string): Promise<void> {
    this.#sessions.delete(sessionId);
  }

  /** Sessions held now (expired ones not yet swept included). */
  get size(): number {
    return this.#sessions.size;
  }

  #get(sessionId: string): SessionState {
    const e = this.#sessions.get(sessionId);
    if (e === undefined) return EMPTY_STATE;
    if (this.#now() - e.touched >= this.#ttl) {
      this.#sessions.delete(sessionId);
      return EMPTY_STATE;
    }
    return e.state;
  }
}
