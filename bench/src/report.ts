/**
 * @module bench/report
 * Result records, the printed tables and the JSON summary (`--json FILE`).
 *
 * A side-by-side result names its Mandate engine (`subject`) and its cedar-wasm engine
 * (`reference`); `ratio` is reference ÷ subject, so 500 means Mandate is 500× faster.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import type { LatencyStats } from './measure.js';

export interface SideBySide {
  readonly id: string;
  readonly kind: 'decide' | 'schema' | 'stateless' | 'adversarial' | 'batch';
  readonly title: string;
  readonly policies: number;
  readonly entities: number;
  readonly requests: number;
  /** Share of the requests allowed, and of those where some policy errored. */
  readonly allowRate: number;
  readonly errorRate: number;
  /**
   * Per request: candidate policies from the scope index (mean, max) and policies whose scope
   * really matches (mean); the difference is evaluation the index did not avoid.
   */
  readonly candidates?: { readonly mean: number; readonly max: number; readonly scopeMatchMean: number };
  readonly subject: string;
  readonly reference: string;
  readonly engines: Record<string, LatencyStats>;
  readonly ratio: { readonly p50: number; readonly p99: number };
  readonly notes?: readonly string[];
}

export type MeasurementValue = number | string | boolean | null;

export interface Measurement {
  readonly id: string;
  readonly title: string;
  readonly values: Record<string, MeasurementValue>;
  readonly notes?: readonly string[];
}

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  /** null when it could not be measured. */
  readonly met: boolean | null;
}

/** One variant of an overhead comparison: its latencies and what it adds to the baseline's. */
export interface OverheadVariant {
  /** Short, stable key (`decision-point`, `log`, …). */
  readonly key: string;
  readonly title: string;
  readonly stats: LatencyStats;
  /** variant − baseline (ns; a difference of percentiles, not a percentile of differences). */
  readonly overhead: { readonly p50_ns: number; readonly p99_ns: number; readonly cpu_mean_ns: number | null };
  /** variant ÷ baseline. */
  readonly ratio: { readonly p50: number; readonly p99: number; readonly cpu_mean: number | null };
}

/**
 * Variants of one call measured side by side in one process, each against the first (the
 * baseline): what a wrapper adds on the deciding call (the `ops` section: `DecisionPoint`'s
 * log and shadow over `Authorizer.authorize`).
 */
export interface Overhead {
  readonly id: string;
  readonly title: string;
  readonly policies: number;
  readonly entities: number;
  readonly requests: number;
  readonly allowRate: number;
  /** The baseline's key; it is also `variants[0]`, with zero overhead. */
  readonly baseline: string;
  readonly variants: readonly OverheadVariant[];
  /** Counters read after sampling (log drops, shadow divergences, …). */
  readonly counters: Record<string, number>;
  readonly notes?: readonly string[];
}

export interface Summary {
  readonly meta: Record<string, unknown>;
  readonly sideBySide: SideBySide[];
  readonly overheads: Overhead[];
  readonly measurements: Record<string, unknown>[];
  readonly targets: TargetCheck[];
}

export function machine(): Record<string, unknown> {
  const c = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    loadavgAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export function fmtNs(ns: number | undefined): string {
  if (ns === undefined || Number.isNaN(ns)) return '—';
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(ns < 10_000 ? 2 : 1)} µs`;
  if (ns < 1_000_000_000) return `${(ns / 1_000_000).toFixed(ns < 10_000_000 ? 2 : 1)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

export function fmtMs(ms: number): string {
  return fmtNs(ms * 1e6);
}

export function fmtRatio(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x >= 100) return `${x.toFixed(0)}×`;
  if (x >= 10) return `${x.toFixed(1)}×`;
  return `${x.toFixed(2)}×`;
}

/** Retained-heap deltas below this are GC noise, not a measurement. */
export function fmtRetained(b: number): string {
  return b < 64 * 1024 ? `≈ 0 (below GC noise, ${fmtBytes(b)})` : fmtBytes(b);
}

/** Bytes per unit from a retained-heap delta, or a GC-noise mark when the delta is too small to mean anything. */
export function fmtPerUnit(totalBytes: number, units: number): string {
  return totalBytes < 64 * 1024 ? `below GC noise (${fmtBytes(totalBytes)} in all)` : fmtBytes(totalBytes / units);
}

export function fmtBytes(b: number): string {
  if (Math.abs(b) < 1024) return `${b.toFixed(0)} B`;
  if (Math.abs(b) < 1024 ** 2) return `${(b / 1024).toFixed(1)} KB`;
  return `${(b / 1024 ** 2).toFixed(1)} MB`;
}

function table(header: string[], rows: string[][], rightAlign: (col: number) => boolean): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (rightAlign(i) ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function sideBySideTable(results: readonly SideBySide[]): string {
  const header = [
    'scenario',
    'reqs',
    'allow',
    'cand (match)',
    'mandate p50',
    'p99',
    'cedar-wasm p50',
    'p99',
    'ratio p50',
    'ratio p99',
  ];
  const rows = results.map((r) => {
    const m = r.engines[r.subject];
    const c = r.engines[r.reference];
    return [
      r.title,
      String(r.requests),
      `${(r.allowRate * 100).toFixed(0)}%`,
      r.candidates ? `${r.candidates.mean.toFixed(1)} (${r.candidates.scopeMatchMean.toFixed(1)})` : '—',
      fmtNs(m?.p50_ns),
      fmtNs(m?.p99_ns),
      fmtNs(c?.p50_ns),
      fmtNs(c?.p99_ns),
      fmtRatio(r.ratio.p50),
      fmtRatio(r.ratio.p99),
    ];
  });
  return table(header, rows, (i) => i > 0);
}

/** Extra Mandate variants (prebuilt inputs, means) in a second, narrower table. */
export function detailTable(results: readonly SideBySide[]): string {
  const header = ['scenario', 'engine', 'n', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean', 'cpu mean', 'mitata mean'];
  const rows: string[][] = [];
  for (const r of results) {
    for (const [name, s] of Object.entries(r.engines)) {
      rows.push([
        r.title,
        name,
        String(s.n),
        fmtNs(s.p50_ns),
        fmtNs(s.p90_ns),
        fmtNs(s.p99_ns),
        fmtNs(s.p999_ns),
        fmtNs(s.max_ns),
        fmtNs(s.mean_ns),
        fmtNs(s.cpu_mean_ns),
        fmtNs(s.mitata_mean_ns),
      ]);
    }
  }
  return table(header, rows, (i) => i > 1);
}

/** The variants of an {@link Overhead} with `baseline` first: its stats and each variant's overhead. */
export function overheadOf(
  variants: readonly { readonly key: string; readonly title: string; readonly stats: LatencyStats }[],
): OverheadVariant[] {
  const base = variants[0]?.stats;
  if (base === undefined) return [];
  const div = (a: number, b: number) => a / Math.max(b, 1);
  return variants.map((v) => {
    const cpu = v.stats.cpu_mean_ns;
    const baseCpu = base.cpu_mean_ns;
    const hasCpu = cpu !== undefined && baseCpu !== undefined;
    return {
      ...v,
      overhead: {
        p50_ns: v.stats.p50_ns - base.p50_ns,
        p99_ns: v.stats.p99_ns - base.p99_ns,
        cpu_mean_ns: hasCpu ? cpu - baseCpu : null,
      },
      ratio: {
        p50: div(v.stats.p50_ns, base.p50_ns),
        p99: div(v.stats.p99_ns, base.p99_ns),
        cpu_mean: hasCpu ? div(cpu, baseCpu) : null,
      },
    };
  });
}

function fmtDelta(ns: number | null): string {
  if (ns === null || Number.isNaN(ns)) return '—';
  return ns < 0 ? `−${fmtNs(-ns)}` : `+${fmtNs(ns)}`;
}

/** Per variant: p50, p99 and CPU mean, and each one's overhead over the baseline (absolute, ratio). */
export function overheadTable(results: readonly Overhead[]): string {
  const header = ['scenario', 'variant', 'n', 'p50', '+p50', '×p50', 'p99', '+p99', '×p99', 'cpu mean', '+cpu', '×cpu'];
  const rows: string[][] = [];
  for (const r of results) {
    r.variants.forEach((v, i) => {
      const base = i === 0;
      rows.push([
        i === 0 ? r.title : '',
        v.title,
        String(v.stats.n),
        fmtNs(v.stats.p50_ns),
        base ? 'baseline' : fmtDelta(v.overhead.p50_ns),
        base ? '' : fmtRatio(v.ratio.p50),
        fmtNs(v.stats.p99_ns),
        base ? '' : fmtDelta(v.overhead.p99_ns),
        base ? '' : fmtRatio(v.ratio.p99),
        fmtNs(v.stats.cpu_mean_ns),
        base ? '' : fmtDelta(v.overhead.cpu_mean_ns),
        base || v.ratio.cpu_mean === null ? '' : fmtRatio(v.ratio.cpu_mean),
      ]);
    });
  }
  const counters = results.flatMap((r) =>
    Object.entries(r.counters).length
      ? [
          `  ${r.id}: ${Object.entries(r.counters)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
        ]
      : [],
  );
  const notes = results.flatMap((r) => (r.notes ?? []).map((n) => `  ${r.id}: ${n}`));
  const body = table(header, rows, (i) => i > 1);
  return [
    body,
    counters.length ? `counters:\n${counters.join('\n')}` : '',
    notes.length ? `notes:\n${notes.join('\n')}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** Keys without spaces are machine-readable data (JSON only); the others are printed. */
const isDataKey = (k: string) => /^[A-Za-z0-9_]+$/.test(k);

/** A measurement as written to JSON: display strings apart from numbers. */
export function measurementJson(m: Measurement): Record<string, unknown> {
  const shown: Record<string, MeasurementValue> = {};
  const data: Record<string, MeasurementValue> = {};
  for (const [k, v] of Object.entries(m.values)) (isDataKey(k) ? data : shown)[k] = v;
  return { id: m.id, title: m.title, values: shown, data, ...(m.notes?.length ? { notes: m.notes } : {}) };
}

export function measurementTable(ms: readonly Measurement[]): string {
  const rows: string[][] = [];
  for (const m of ms) {
    let first = true;
    for (const [k, v] of Object.entries(m.values)) {
      if (isDataKey(k)) continue;
      rows.push([first ? m.title : '', k, v === null ? '—' : String(v)]);
      first = false;
    }
  }
  const notes = ms.flatMap((m) => (m.notes ?? []).map((n) => `  ${m.id}: ${n}`));
  const body = table(['measurement', 'what', 'value'], rows, () => false);
  return notes.length ? `${body}\n\nnotes:\n${notes.join('\n')}` : body;
}

export function targetTable(ts: readonly TargetCheck[]): string {
  return table(
    ['target (issue 3)', 'measured', 'verdict'],
    ts.map((t) => [t.target, t.measured, t.met === null ? 'n/a' : t.met ? 'MET' : 'MISSED']),
    () => false,
  );
}
