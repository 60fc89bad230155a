/**
 * @module history
 * Session history: how many calls the guard allowed — in all, of an action, of a tool, of
 * egress, carrying a label — in trailing windows of a minute, ten minutes, an hour and a day,
 * and when each last happened. It becomes `context.session.history` (the schema's `History`
 * record), so policies can say "at most 5 payments an hour" or "no egress within ten
 * minutes of reading a secret".
 *
 * Memory is bounded: a counter keeps, per window, at most 13 buckets of a twelfth of the
 * window (index → count), whatever the call rate. A window's count sums the buckets that
 * overlap it, so it covers at least the window and at most a twelfth more: counts err high,
 * never low, and a limit written against them never lets more calls through than it says.
 */

/** The trailing windows, by the names the schema's `Counts` record uses. */
export const WINDOWS = Object.freeze([
  ['minute', 60_000],
  ['tenMinutes', 600_000],
  ['hour', 3_600_000],
  ['day', 86_400_000],
] as const);

export type WindowName = (typeof WINDOWS)[number][0];

/** Buckets per window (plus the current, partial one). */
export const BUCKETS_PER_WINDOW = 12;

/** One counter: when it last counted, and per window its buckets as flat `[index, count, …]` pairs. */
export interface Counter {
  readonly key: string;
  last: number;
  readonly buckets: number[][];
}

export function newCounter(key: string): Counter {
  return { key, last: 0, buckets: WINDOWS.map(() => []) };
}

/** Count one event at `now` (ms since the epoch). */
export function bump(c: Counter, now: number): void {
  c.last = Math.max(c.last, now);
  for (let w = 0; w < WINDOWS.length; w++) {
    const width = (WINDOWS[w] as readonly [string, number])[1] / BUCKETS_PER_WINDOW;
    const idx = Math.floor(now / width);
    const pairs = c.buckets[w] as number[];
    let found = false;
    const kept: number[] = [];
    for (let i = 0; i < pairs.length; i += 2) {
      const bi = pairs[i] as number;
      let n = pairs[i + 1] as number;
      if (bi === idx) {
        n++;
        found = true;
      }
      // Buckets older than the window are dropped, and so are any implausibly far ahead (a
      // clock that jumped): that is what bounds a counter's size.
      if (bi >= idx - BUCKETS_PER_WINDOW && bi <= idx + BUCKETS_PER_WINDOW) kept.push(bi, n);
    }
    if (!found) kept.push(idx, 1);
    c.buckets[w] = kept;
  }
}

/** Events counted in each window ending at `now`. */
export function countsAt(c: Counter | undefined, now: number): Record<WindowName, number> {
  const out = { minute: 0, tenMinutes: 0, hour: 0, day: 0 };
  if (c === undefined) return out;
  for (let w = 0; w < WINDOWS.length; w++) {
    const [name, ms] = WINDOWS[w] as readonly [WindowName, number];
    const idx = Math.floor(now / (ms / BUCKETS_PER_WINDOW));
    const pairs = c.buckets[w] as number[];
    let n = 0;
    // Buckets ahead of `now` (another process's clock ran ahead) are counted: erring high.
    for (let i = 0; i < pairs.length; i += 2)
      if ((pairs[i] as number) >= idx - BUCKETS_PER_WINDOW) n += pairs[i + 1] as number;
    out[name] = n;
  }
  return out;
}

/** Counter keys, one namespace per kind so a tool named like a label cannot collide with it. */
export const counterKey = {
  calls: 'calls',
  egress: 'egress',
  action: (id: string) => `action:${id}`,
  tool: (counter: string) => `tool:${counter}`,
  label: (label: string) => `label:${label}`,
} as const;

/** What a request's history record is about. */
export interface HistoryQuery {
  readonly action: string;
  readonly counter: string;
  readonly now: Date;
}

/** The `history` record of `context.session` in Cedar JSON (Longs as `bigint`). */
export function historyContext(counters: ReadonlyMap<string, Counter>, q: HistoryQuery): Record<string, unknown> {
  const now = q.now.getTime();
  const counts = (key: string) => {
    const c = countsAt(counters.get(key), now);
    return { minute: BigInt(c.minute), tenMinutes: BigInt(c.tenMinutes), hour: BigInt(c.hour), day: BigInt(c.day) };
  };
  const labels: Record<WindowName, string[]> = { minute: [], tenMinutes: [], hour: [], day: [] };
  for (const c of counters.values()) {
    if (!c.key.startsWith('label:')) continue;
    const label = c.key.slice('label:'.length);
    const n = countsAt(c, now);
    for (const [name] of WINDOWS) if (n[name] > 0) labels[name].push(label);
  }
  const out: Record<string, unknown> = {
    calls: counts(counterKey.calls),
    action: counts(counterKey.action(q.action)),
    tool: counts(counterKey.tool(q.counter)),
    egress: counts(counterKey.egress),
    labels,
  };
  const last = (key: string, attr: string) => {
    const c = counters.get(key);
    if (c !== undefined && c.last > 0) out[attr] = { __extn: { fn: 'datetime', arg: new Date(c.last).toISOString() } };
  };
  last(counterKey.calls, 'lastCall');
  last(counterKey.action(q.action), 'lastAction');
  last(counterKey.tool(q.counter), 'lastTool');
  last(counterKey.egress, 'lastEgress');
  return out;
}
