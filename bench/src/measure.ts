/**
 * @module bench/measure
 * Timing and memory primitives.
 *
 * Latency: every call is timed on its own with `performance.now()` (~50 ns per read on these
 * machines, sub-nanosecond resolution); the median cost of timing an empty call through the
 * same loop is measured at start-up and subtracted, so percentiles are per decision, not per
 * batch. Engines measured side by side are interleaved in rounds (A, B, A, B, …) so that a
 * noisy neighbour on a shared machine hurts both alike. The mean is also taken with mitata
 * (batched, no per-call timer) as a cross-check of the per-call numbers.
 */
import { do_not_optimize, measure } from 'mitata';

export interface LatencyStats {
  /** Number of timed calls. */
  readonly n: number;
  readonly min_ns: number;
  readonly p50_ns: number;
  readonly p90_ns: number;
  readonly p99_ns: number;
  readonly p999_ns: number;
  readonly max_ns: number;
  /** Mean of the per-call samples. */
  readonly mean_ns: number;
  /**
   * Process CPU time per call over the sampling rounds (timer overhead removed): unlike wall
   * time it does not grow while the process is descheduled, so it is the steadier figure on a
   * loaded machine (it does include V8's background GC threads).
   */
  readonly cpu_mean_ns?: number;
  /** Mean from mitata's batched loop (no per-call timer); absent when skipped. */
  readonly mitata_mean_ns?: number;
}

export interface SampleBudget {
  /** Wall-clock time to spend sampling, over all rounds. */
  readonly ms: number;
  readonly minSamples: number;
  readonly maxSamples: number;
  /** Warm-up time before sampling (at least one pass over the inputs is made). */
  readonly warmupMs: number;
}

let sink: unknown;
/** Keep a result alive so the call cannot be optimised away. */
export function consume(x: unknown): void {
  sink = x;
  do_not_optimize(x);
}
export function lastSink(): unknown {
  return sink;
}

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export function hasGc(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === 'function';
}

let timerOverheadNs = 0;

/** Median cost of timing one empty call through {@link sampleInto}; subtracted from every sample. */
export function calibrateTimer(): number {
  const inputs = [0, 1, 2, 3];
  const id = (x: number) => x;
  const buf = new Float64Array(200_000);
  timerOverheadNs = 0;
  sampleInto(id, inputs, buf, 0, buf.length, 1e9);
  const sorted = buf.slice().sort();
  timerOverheadNs = sorted[sorted.length >> 1] as number;
  return timerOverheadNs;
}

export function timerOverhead(): number {
  return timerOverheadNs;
}

/**
 * Time calls one by one, cycling through `inputs` (in the given order), writing samples
 * (ns, timer overhead removed) into `buf` from `at`; stops at `end` or after `ms`.
 * Returns the new write position.
 */
function sampleInto<I>(
  fn: (input: I) => unknown,
  inputs: readonly I[],
  buf: Float64Array,
  at: number,
  end: number,
  ms: number,
): number {
  const n = inputs.length;
  const overhead = timerOverheadNs;
  const stopAt = performance.now() + ms;
  let i = at % n;
  let w = at;
  while (w < end) {
    const input = inputs[i] as I;
    const t0 = performance.now();
    const r = fn(input);
    const t1 = performance.now();
    sink = r;
    const d = (t1 - t0) * 1e6 - overhead;
    buf[w++] = Math.max(d, 0);
    if (++i === n) i = 0;
    if (t1 >= stopAt) break;
  }
  return w;
}

async function warm<I>(
  fn: (input: I) => unknown,
  inputs: readonly I[],
  ms: number,
  between?: () => Promise<void>,
): Promise<void> {
  const stopAt = performance.now() + ms;
  let k = 0;
  do {
    for (const x of inputs) sink = fn(x);
    if (between !== undefined) await between();
    k++;
  } while (performance.now() < stopAt || k < 1);
}

/**
 * {@link sampleInto} in chunks of `chunk` calls with `between()` awaited (untimed, and outside
 * the CPU accounting) after each chunk, until `end` or `ms` from now. Returns the new write
 * position and the process CPU ms spent in the timed chunks only.
 */
async function sampleChunked<I>(
  fn: (input: I) => unknown,
  inputs: readonly I[],
  buf: Float64Array,
  at: number,
  end: number,
  ms: number,
  chunk: number,
  between: () => Promise<void>,
): Promise<{ w: number; cpu: number }> {
  const stopAt = performance.now() + ms;
  let w = at;
  let cpu = 0;
  while (w < end) {
    const c0 = cpuMs();
    w = sampleInto(fn, inputs, buf, w, Math.min(end, w + chunk), Math.max(stopAt - performance.now(), 0));
    cpu += cpuMs() - c0;
    await between();
    if (performance.now() >= stopAt) break;
  }
  return { w, cpu };
}

export function statsOf(samples: Float64Array): LatencyStats {
  const s = samples.slice().sort();
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))] as number;
  let sum = 0;
  for (const x of s) sum += x;
  return {
    n: s.length,
    min_ns: s[0] as number,
    p50_ns: q(0.5),
    p90_ns: q(0.9),
    p99_ns: q(0.99),
    p999_ns: q(0.999),
    max_ns: s[s.length - 1] as number,
    mean_ns: sum / s.length,
  };
}

export interface Contender<I> {
  readonly name: string;
  readonly fn: (input: I) => unknown;
  readonly inputs: readonly I[];
  /** Sampling budget for this contender (slow engines get fewer samples). */
  readonly budget: SampleBudget;
  /** Also take mitata's batched mean (skip for very slow engines). */
  readonly mitata?: boolean;
  /**
   * Awaited after every `chunk` timed calls (and every warm-up pass), untimed and outside the
   * CPU figure: lets the event loop turn, as between requests in a server, so that work a call
   * deferred (a decision log's drain) runs off the timed calls instead of piling up.
   */
  readonly between?: () => Promise<void>;
  /** Timed calls per chunk when `between` is set (default 256). */
  readonly chunk?: number;
}

/** Erase a contender's input type so contenders of different engines can share one list. */
export function contender<I>(c: Contender<I>): Contender<unknown> {
  return c as unknown as Contender<unknown>;
}

/**
 * Measure contenders side by side: warm each, then `rounds` rounds in which each contender
 * samples for its share of its budget. Returns stats per contender name.
 */
export async function compare(
  cs: readonly Contender<unknown>[],
  rounds: number,
): Promise<Record<string, LatencyStats>> {
  const bufs = cs.map((c) => new Float64Array(c.budget.maxSamples));
  const pos = cs.map(() => 0);
  const cpu = cs.map(() => 0);
  for (const c of cs) await warm(c.fn, c.inputs, c.budget.warmupMs, c.between);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cs.length; k++) {
      const c = cs[k] as Contender<unknown>;
      const buf = bufs[k] as Float64Array;
      const end = Math.min(buf.length, Math.ceil((buf.length * (r + 1)) / rounds));
      gc();
      // The last round tops up to the minimum sample count, whatever the time.
      const topUp = r === rounds - 1 ? Math.min(buf.length, c.budget.minSamples) : 0;
      let w: number;
      if (c.between === undefined) {
        const c0 = cpuMs();
        w = sampleInto(c.fn, c.inputs, buf, pos[k] as number, end, c.budget.ms / rounds);
        if (w < topUp) w = sampleInto(c.fn, c.inputs, buf, w, topUp, 1e12);
        cpu[k] = (cpu[k] as number) + cpuMs() - c0;
      } else {
        const chunk = c.chunk ?? 256;
        let s = await sampleChunked(c.fn, c.inputs, buf, pos[k] as number, end, c.budget.ms / rounds, chunk, c.between);
        cpu[k] = (cpu[k] as number) + s.cpu;
        w = s.w;
        if (w < topUp) {
          s = await sampleChunked(c.fn, c.inputs, buf, w, topUp, 1e12, chunk, c.between);
          cpu[k] = (cpu[k] as number) + s.cpu;
          w = s.w;
        }
      }
      pos[k] = w;
    }
  }
  const out: Record<string, LatencyStats> = {};
  for (let k = 0; k < cs.length; k++) {
    const c = cs[k] as Contender<unknown>;
    const n = pos[k] as number;
    let stats: LatencyStats = {
      ...statsOf((bufs[k] as Float64Array).subarray(0, n)),
      cpu_mean_ns: Math.max(0, ((cpu[k] as number) * 1e6) / n - timerOverheadNs),
    };
    if (c.mitata && stats.p50_ns < 50_000) {
      const mean = await mitataMean(c.fn, c.inputs, Math.min(400, c.budget.ms / 2));
      stats = { ...stats, mitata_mean_ns: mean };
    }
    out[c.name] = stats;
  }
  return out;
}

/** Mean ns per call from mitata's batched loop, cycling through the inputs. */
export async function mitataMean<I>(fn: (input: I) => unknown, inputs: readonly I[], ms: number): Promise<number> {
  let i = 0;
  const n = inputs.length;
  gc();
  const stats = await measure(
    () => {
      const x = inputs[i] as I;
      if (++i === n) i = 0;
      do_not_optimize(fn(x));
    },
    { min_cpu_time: ms * 1e6, min_samples: 8, max_samples: 1e6 },
  );
  return stats.avg;
}

/** CPU time (user + system) of this process, in ms: unlike wall time, it does not count time spent descheduled. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface Timed {
  /** Wall-clock ms (median over repeats). */
  readonly median_ms: number;
  readonly min_ms: number;
  readonly max_ms: number;
  /** CPU ms (median over repeats). */
  readonly cpu_ms: number;
}

/** Time one call of a (slow) function `reps` times (one full GC first, none in between). */
export function timeRepeated(fn: () => unknown, reps: number): Timed {
  const xs: number[] = [];
  const cs: number[] = [];
  gc();
  for (let r = 0; r < reps; r++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    sink = fn();
    xs.push(performance.now() - t0);
    cs.push(cpuMs() - c0);
  }
  xs.sort((a, b) => a - b);
  cs.sort((a, b) => a - b);
  return {
    median_ms: xs[xs.length >> 1] as number,
    min_ms: xs[0] as number,
    max_ms: xs[xs.length - 1] as number,
    cpu_ms: cs[cs.length >> 1] as number,
  };
}

/** Heap growth (bytes) retained by what `build` returns, measured after full GCs; with wall and CPU ms. */
export function retainedHeap<T>(build: () => T): { value: T; bytes: number; ms: number; cpu_ms: number } {
  gc();
  const h0 = process.memoryUsage().heapUsed;
  const c0 = cpuMs();
  const t0 = performance.now();
  const value = build();
  const ms = performance.now() - t0;
  const cpu = cpuMs() - c0;
  gc();
  const h1 = process.memoryUsage().heapUsed;
  sink = value;
  return { value, bytes: h1 - h0, ms, cpu_ms: cpu };
}

/**
 * A fixed reference workload (Map.get of stored string keys), ns per op: a yardstick of how
 * fast the machine is right now, printed with every run so loaded runs can be recognised.
 */
export function referenceLoopNs(): number {
  const m = new Map<string, number>();
  const keys: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const k = `Mandate::Agent::"a${i}"`;
    m.set(k, i);
    keys.push(k);
  }
  let s = 0;
  for (let i = 0; i < 200_000; i++) s += m.get(keys[i % 1000] as string) as number;
  const n = 3_000_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) s += m.get(keys[i % 1000] as string) as number;
  const ns = ((performance.now() - t0) * 1e6) / n;
  sink = s;
  return ns;
}

/**
 * ns per unit of work of `fn`, robust to a busy machine: `fn` runs in small batches (each
 * ~20 µs or one call), and the median batch is taken, so batches that were descheduled or
 * hit a GC pause do not count.
 */
export function medianNsPer(fn: () => unknown, unitsPerCall: number, ms = 60): number {
  for (let i = 0; i < 30; i++) sink = fn();
  let k = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < k; i++) sink = fn();
    if ((performance.now() - t0) * 1e6 >= 20_000 || k >= 1 << 16) break;
    k *= 2;
  }
  gc();
  const samples: number[] = [];
  const stopAt = performance.now() + ms;
  while (samples.length < 15 || (performance.now() < stopAt && samples.length < 100_000)) {
    const t0 = performance.now();
    for (let i = 0; i < k; i++) sink = fn();
    samples.push((performance.now() - t0) * 1e6);
  }
  samples.sort((a, b) => a - b);
  return (samples[samples.length >> 1] as number) / (k * unitsPerCall);
}
