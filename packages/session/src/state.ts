/**
 * @module state
 * What a session store keeps per session: its sticky taint labels, its history counters, what
 * it has spent against each intent's budget and which approvals it has used. The state is
 * plain data (arrays, not objects keyed by label or tool name, so `__proto__` is a label like
 * any other) with a JSON form for stores out of process, checked with zod when read back.
 *
 * Every part is bounded ({@link SessionLimits}). Where dropping data would weaken a guard —
 * a label, a budget, a used approval — reaching the limit refuses the update instead
 * (`StoreError` of kind `limit`), and the guard denies: fail closed.
 */
import { z } from 'zod';
import { StoreError } from './errors.js';
import { BUCKETS_PER_WINDOW, bump, type Counter, newCounter, WINDOWS } from './history.js';

export interface SessionState {
  /** Sticky taint labels, in the order acquired. */
  readonly labels: readonly string[];
  readonly counters: readonly Counter[];
  /** Spent per intent id, in minor units. */
  readonly spent: readonly { readonly intent: string; readonly amount: bigint }[];
  /** Approvals used (single use), with when they expire (ms since the epoch). */
  readonly approvals: readonly { readonly id: string; readonly expires: number }[];
  /** When the state last changed (ms since the epoch). */
  readonly updated: number;
}

export const EMPTY_STATE: SessionState = Object.freeze({
  labels: [],
  counters: [],
  spent: [],
  approvals: [],
  updated: 0,
});

export interface SessionLimits {
  /** Labels a session may hold (default 64). */
  readonly maxLabels: number;
  /** History counters per session (default 256); the least recently used are dropped first, labels' last. */
  readonly maxCounters: number;
  /** Used approvals remembered until they expire (default 256). */
  readonly maxApprovals: number;
  /** Intents a session may spend against (default 16). */
  readonly maxIntents: number;
}

export const DEFAULT_LIMITS: SessionLimits = Object.freeze({
  maxLabels: 64,
  maxCounters: 256,
  maxApprovals: 256,
  maxIntents: 16,
});

/** A working copy of a session's state that a decision updates, then turns back into a state. */
export class SessionDraft {
  readonly sessionId: string;
  readonly labels: Set<string>;
  readonly counters: Map<string, Counter>;
  readonly spent: Map<string, bigint>;
  readonly approvals: Map<string, number>;
  readonly #limits: SessionLimits;

  constructor(sessionId: string, state: SessionState, limits: SessionLimits = DEFAULT_LIMITS) {
    this.sessionId = sessionId;
    this.#limits = limits;
    this.labels = new Set(state.labels);
    this.counters = new Map(
      state.counters.map((c) => [c.key, { key: c.key, last: c.last, buckets: c.buckets.map((b) => [...b]) }]),
    );
    this.spent = new Map(state.spent.map((s) => [s.intent, s.amount]));
    this.approvals = new Map(state.approvals.map((a) => [a.id, a.expires]));
  }

  /** Add sticky labels; throws {@link StoreError} of kind `limit` past `maxLabels`. */
  addLabels(labels: Iterable<string>): void {
    for (const l of labels) {
      if (this.labels.has(l)) continue;
      if (this.labels.size >= this.#limits.maxLabels)
        throw new StoreError(
          'limit',
          `session \`${this.sessionId}\` would hold more than ${this.#limits.maxLabels} labels (adding \`${l}\`)`,
          this.sessionId,
        );
      this.labels.add(l);
    }
  }

  /** Count one event under each key at `now`. */
  count(keys: Iterable<string>, now: number): void {
    for (const key of keys) {
      let c = this.counters.get(key);
      if (c === undefined) {
        c = newCounter(key);
        this.counters.set(key, c);
      }
      bump(c, now);
    }
    this.#evictCounters();
  }

  #evictCounters(): void {
    const over = this.counters.size - this.#limits.maxCounters;
    if (over <= 0) return;
    // Label counters go last: "recently read a secret" is what a policy may be waiting for.
    const order = [...this.counters.values()].sort(
      (a, b) => Number(a.key.startsWith('label:')) - Number(b.key.startsWith('label:')) || a.last - b.last,
    );
    for (const c of order.slice(0, over)) this.counters.delete(c.key);
  }

  spentOn(intent: string): bigint {
    return this.spent.get(intent) ?? 0n;
  }

  spend(intent: string, amount: bigint): void {
    if (!this.spent.has(intent) && this.spent.size >= this.#limits.maxIntents)
      throw new StoreError(
        'limit',
        `session \`${this.sessionId}\` would spend against more than ${this.#limits.maxIntents} intents`,
        this.sessionId,
      );
    this.spent.set(intent, this.spentOn(intent) + amount);
  }

  /** Whether approval `id` was used and has not expired yet. */
  approvalUsed(id: string): boolean {
    return this.approvals.has(id);
  }

  useApproval(id: string, expires: number, now: number): void {
    for (const [k, exp] of this.approvals) if (exp <= now) this.approvals.delete(k);
    if (this.approvals.size >= this.#limits.maxApprovals)
      throw new StoreError(
        'limit',
        `session \`${this.sessionId}\` holds ${this.#limits.maxApprovals} unexpired approvals`,
        this.sessionId,
      );
    this.approvals.set(id, expires);
  }

  toState(now: number): SessionState {
    return {
      labels: [...this.labels],
      counters: [...this.counters.values()],
      spent: [...this.spent].map(([intent, amount]) => ({ intent, amount })),
      approvals: [...this.approvals].map(([id, expires]) => ({ id, expires })),
      updated: now,
    };
  }
}

const stateJson = z.strictObject({
  labels: z.array(z.string()),
  counters: z.array(
    z.strictObject({
      key: z.string(),
      last: z.number(),
      buckets: z.array(z.array(z.number()).max(2 * (2 * BUCKETS_PER_WINDOW + 2))).length(WINDOWS.length),
    }),
  ),
  spent: z.array(z.strictObject({ intent: z.string(), amount: z.string().regex(/^[0-9]{1,20}$/) })),
  approvals: z.array(z.strictObject({ id: z.string(), expires: z.number() })),
  updated: z.number(),
});

/** The JSON form of a state (`bigint`s as decimal strings). */
export function encodeState(state: SessionState): string {
  return JSON.stringify({
    labels: state.labels,
    counters: state.counters,
    spent: state.spent.map((s) => ({ intent: s.intent, amount: s.amount.toString() })),
    approvals: state.approvals,
    updated: state.updated,
  });
}

/** Read a state back from {@link encodeState}'s form; throws {@link StoreError} of kind `corrupt`. */
export function decodeState(text: string, sessionId: string): SessionState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new StoreError('corrupt', `state of session \`${sessionId}\` is not JSON`, sessionId, { cause: e });
  }
  const parsed = stateJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    throw new StoreError(
      'corrupt',
      `state of session \`${sessionId}\` is malformed at \`${issue.path.map(String).join('.')}\`: ${issue.message}`,
      sessionId,
    );
  }
  const s = parsed.data;
  return {
    labels: s.labels,
    counters: s.counters,
    spent: s.spent.map((x) => ({ intent: x.intent, amount: BigInt(x.amount) })),
    approvals: s.approvals,
    updated: s.updated,
  };
}
