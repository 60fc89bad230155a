/**
 * @module overhead.test
 * Measures (and prints; asserts nothing about time, which depends on the machine and its
 * load) what the decision log and a shadow set add to a decision on the deciding call, and
 * what the drain costs per event off it (JSON, signing).
 *
 *   pnpm exec vitest run --project ops packages/ops/test/overhead.test.ts
 */
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { type AuthorizationRequest, Authorizer } from '@mandate/core';
import { DecisionLog, DecisionPoint, type DecisionSink, generateReceiptKeys, jsonLinesSink } from '@mandate/ops';
import { expect, test } from 'vitest';

const N = Number(process.env.MANDATE_OPS_BENCH_N ?? 20_000);
const ROUNDS = 5;

const SCHEMA = `entity User; entity Agent; entity File;
type Session = { id: String, risk: Long };
action read, write appliesTo { principal: [User, Agent], resource: File, context: { session: Session, input: { path: String } } };`;
const POLICIES = `
@id("read") permit(principal, action == Action::"read", resource) when { context.session.risk < 50 };
@id("write") permit(principal is User, action == Action::"write", resource);
@id("risky") forbid(principal, action, resource) when { context.session.risk > 90 };`;

const request: AuthorizationRequest = {
  principal: { type: 'Agent', id: 'coder' },
  action: { type: 'Action', id: 'read' },
  resource: { type: 'File', id: 'notes' },
  context: { session: { id: 's-1', risk: 10 }, input: { path: '/home/alice/notes.md' } },
};

const nullSink: DecisionSink = { name: 'null', write() {} };

const CHUNK = 1000;

/**
 * Median µs per call over rounds of N calls, timed in chunks with the logs drained between
 * chunks (untimed): as in a server, where the event loop turns between requests, rather than
 * 100,000 events piling up in one synchronous loop.
 */
async function perCall(f: () => void, between: () => Promise<void>): Promise<number> {
  for (let i = 0; i < 2000; i++) f();
  await between();
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let ms = 0;
    for (let done = 0; done < N; done += CHUNK) {
      const t0 = performance.now();
      for (let i = 0; i < CHUNK; i++) f();
      ms += performance.now() - t0;
      await between();
    }
    samples.push((ms * 1000) / N);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(ROUNDS / 2)] as number;
}

function point(opts: { log?: DecisionLog; digest?: boolean; shadow?: boolean }): DecisionPoint {
  return DecisionPoint.create({
    policies: { kind: 'inline', policies: POLICIES, schema: SCHEMA },
    authorizer: { idAnnotation: true },
    ...(opts.log === undefined ? {} : { log: opts.log }),
    inputDigest: opts.digest ?? true,
    ...(opts.shadow ? { shadow: { policies: { kind: 'inline' as const, policies: POLICIES } } } : {}),
  });
}

test('logging overhead per decision (printed)', { timeout: 120_000 }, async () => {
  const bare = new Authorizer({ policies: POLICIES, schema: SCHEMA, idAnnotation: true });
  // Big enough that nothing is dropped in the drain-cost measurements below.
  const capacity = N + 5000;
  const logs: DecisionLog[] = [];
  const newLog = (sinks: DecisionSink[] = [nullSink]) => {
    const l = new DecisionLog({ sinks, capacity });
    logs.push(l);
    return l;
  };
  const plain = point({});
  const logged = point({ log: newLog() });
  const loggedNoDigest = point({ log: newLog(), digest: false });
  const shadowed = point({ shadow: true });

  const rows: [string, number][] = [];
  const measure = async (name: string, f: () => void) => {
    rows.push([
      name,
      await perCall(f, async () => {
        for (const l of logs) await l.flush();
      }),
    ]);
  };
  await measure('Authorizer.authorize (bare)', () => bare.authorize(request));
  await measure('DecisionPoint, no log', () => plain.authorize(request));
  await measure('DecisionPoint + log (digest off)', () => loggedNoDigest.authorize(request));
  await measure('DecisionPoint + log (input digest)', () => logged.authorize(request));
  await measure('DecisionPoint + shadow, no log', () => shadowed.authorize(request));

  // Off the hot path: what the drain costs per event.
  const drainCost = async (name: string, log: DecisionLog, events: number) => {
    const p = point({ log });
    for (let i = 0; i < events; i++) p.authorize(request);
    const t0 = performance.now();
    await log.flush();
    rows.push([name, ((performance.now() - t0) * 1000) / events]);
  };
  const devNull = new Writable({ write: (_c, _e, cb) => cb() });
  await drainCost(
    'drain: JSON lines to a stream, per event',
    new DecisionLog({ sinks: [jsonLinesSink(devNull)], capacity }),
    N,
  );
  const keys = generateReceiptKeys();
  await drainCost(
    'drain: signed receipts + JSON lines, per event',
    new DecisionLog({ sinks: [jsonLinesSink(devNull)], capacity, receipts: { privateKey: keys.privateKey } }),
    Math.min(N, 5000),
  );

  const base = rows[1]?.[1] as number;
  const lines = rows.map(([name, us]) => {
    const delta = name.startsWith('DecisionPoint +') ? ` (+${(us - base).toFixed(2)} µs)` : '';
    return `  ${name.padEnd(48)} ${us.toFixed(2).padStart(7)} µs${delta}`;
  });
  console.log(`decision cost on the deciding call, median of ${ROUNDS} × ${N}:\n${lines.join('\n')}`);
  for (const l of logs) expect(l.stats.dropped).toBe(0);
});
