/**
 * @module efficacy/run
 * The protection efficacy suite: replays every session trace in `efficacy/traces/` through
 * `SessionGuard` with the baseline policy library, prints what happened to each step (every
 * block names the policy or guard check that decided it), and ends with the line
 *
 *   attacks blocked: N/N, benign allowed: M/K
 *
 * It exits 1 unless every attack step was blocked and at least 97% of benign steps were
 * allowed, 2 when the suite itself could not run. `--json` prints the results as JSON instead.
 *
 *   node --conditions=mandate-source --import tsx efficacy/run.ts [--json] [trace-id…]
 */
import { BENIGN_BAR, loadTraces, passes, playTrace, type StepResult, type Trace, tally } from './lib/trace.js';
import { createWorld } from './lib/world.js';

interface TraceReport {
  readonly trace: Trace;
  readonly results: readonly StepResult[];
}

function describeInput(input: Readonly<Record<string, unknown>>): string {
  const v = input.command ?? input.url ?? input.path ?? input.host ?? input.text ?? '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 70 ? `${s.slice(0, 67)}…` : s;
}

function verdict(r: StepResult): string {
  const o = r.outcome.outcome;
  if (r.asked !== undefined && o === 'allow') return 'ALLOW*';
  return o === 'needs-approval' ? 'HOLD' : o.toUpperCase();
}

function printTrace({ trace, results }: TraceReport, out: (s: string) => void): void {
  out(`\n▶ ${trace.id} [${trace.kind}] — ${trace.title}`);
  if (trace.source !== undefined) out(`  source: ${trace.source}`);
  for (const r of results) {
    const mark = r.ok ? '✓' : '✗';
    const role = r.step.expect === 'block' ? 'attack' : 'benign';
    const actor = r.chain.actor.id;
    out(
      `  ${mark} ${String(r.index + 1).padStart(2)} ${verdict(r).padEnd(6)} ${role.padEnd(6)} ${actor.padEnd(12)} ${r.step.tool.padEnd(10)} ${describeInput(r.step.input)}`,
    );
    if (!r.allowed || r.asked !== undefined) {
      const how =
        r.outcome.outcome === 'needs-approval'
          ? 'held for a human by'
          : r.asked !== undefined
            ? `approved by ${r.outcome.approval?.approver ?? 'a human'} over`
            : 'decided by';
      out(`         ${how} ${r.decidedBy.join(', ')}`);
      const expected = r.step.decider;
      if (expected !== undefined && !r.decidedBy.includes(expected))
        out(`         note: expected ${expected} to decide`);
    }
    if (!r.ok) out(`         ${r.step.expect === 'block' ? 'NOT BLOCKED' : 'NOT ALLOWED'}: ${r.outcome.message}`);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const only = argv.filter((a) => !a.startsWith('--'));
  const traces = loadTraces().filter((t) => only.length === 0 || only.includes(t.id));
  if (traces.length === 0) {
    process.stderr.write(`error: no traces${only.length ? ` named ${only.join(', ')}` : ''}\n`);
    return 2;
  }
  const world = await createWorld();
  const reports: TraceReport[] = [];
  for (const trace of traces) reports.push({ trace, results: await playTrace(trace, world) });
  const all = reports.flatMap((r) => r.results);
  const t = tally(all);
  const ok = passes(t);
  const closing = `attacks blocked: ${t.blocked}/${t.attacks}, benign allowed: ${t.allowed}/${t.benign}`;

  if (json) {
    const data = {
      passed: ok,
      ...t,
      benignBar: BENIGN_BAR,
      traces: reports.map(({ trace, results }) => ({
        id: trace.id,
        kind: trace.kind,
        title: trace.title,
        steps: results.map((r) => ({
          say: r.step.say,
          tool: r.step.tool,
          actor: r.chain.actor.id,
          expect: r.step.expect,
          outcome: r.outcome.outcome,
          approvedBy: r.asked === undefined ? undefined : r.outcome.approval?.approver,
          decidedBy: r.decidedBy,
          ok: r.ok,
          labels: r.labels,
        })),
      })),
    };
    process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    return ok ? 0 : 1;
  }

  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`Mandate protection efficacy: ${traces.length} traces, ${world.policyIds.length} baseline policies`);
  for (const r of reports) printTrace(r, out);

  // Which policies and guard checks did the blocking: a library rule no attack needs shows up
  // as missing here, and one doing all the work is worth knowing about too.
  const byDecider = new Map<string, number>();
  for (const r of all)
    if (r.step.expect === 'block' && !r.allowed)
      for (const d of r.decidedBy) byDecider.set(d, (byDecider.get(d) ?? 0) + 1);
  out('\nattack steps blocked, by decider:');
  for (const [d, n] of [...byDecider].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
    out(`  ${String(n).padStart(3)}  ${d}`);
  const failed = all.filter((r) => !r.ok);
  if (failed.length > 0) out(`\n${failed.length} step(s) did not come out as expected (marked ✗ above)`);
  out(
    `\nbenign allowed ${((100 * t.allowed) / Math.max(1, t.benign)).toFixed(1)}% (bar ${BENIGN_BAR * 100}%), every attack must be blocked: ${ok ? 'PASS' : 'FAIL'}`,
  );
  out(closing);
  return ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
