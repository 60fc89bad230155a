/**
 * @module bench/ops
 * The `ops` section (issue 9): what `@mandate/ops`'s `DecisionPoint` adds to a decision on the
 * deciding call, side by side in one process with the bare `Authorizer.authorize`, on the
 * `decide` section's workload and request pool (10 policies × 1k entities, JSON requests):
 *
 * 1. `Authorizer.authorize` (the baseline);
 * 2. `DecisionPoint.authorize`, no log, no shadow (event id, timing, versioned decision);
 * 3. + a decision log to a sink that discards (event construction and enqueue on the deciding call; the input digest is taken in the drain);
 * 4. the same with `inputDigest: false`;
 * 5. + a shadow policy set (the same policies with one permit turned into a forbid), no log;
 * 6. + log and shadow together.
 *
 * Calls are timed one by one in chunks; between chunks (untimed) the event loop turns, so each
 * log's drain runs off the deciding call as it would between requests in a server, and the
 * buffer never fills. The run fails if any event was dropped or left undelivered, or if a
 * decision point decides differently from the bare authorizer.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type AuthorizationRequest, Authorizer, PolicySet } from '@mandate/core';
// `@mandate/ops` is not a dependency of the bench (bench/package.json, so bench/node_modules has
// no link to it): its sources are imported by path. tsx runs them as it runs core's, and their own
// `@mandate/core` import resolves (mandate-source condition) to the same packages/core/src modules.
import {
  DecisionLog,
  DecisionPoint,
  type DecisionPointOptions,
  type DecisionSink,
} from '../../packages/ops/src/index.js';
import { checkAgreement, prepareRequests, verdictOfMandate } from './engines.js';
import { compare, contender } from './measure.js';
import { fmtNs, fmtRatio, type Overhead, overheadOf } from './report.js';
import { type Lab, poolSize } from './scenarios.js';
import { fmtCount, type Workload } from './workload.js';

/** Timed calls between two turns of the event loop. */
const CHUNK = 256;

/** A sink that discards: the drain hands it each batch and nothing more happens. */
const discard: DecisionSink = { name: 'discard', write() {} };

/**
 * The shadow candidate: the workload's policies with the permit that determines the most
 * allowed requests of the pool turned into a forbid (so some requests diverge, most do not).
 */
function shadowCandidate(
  w: Workload,
  authz: Authorizer,
  requests: readonly AuthorizationRequest[],
): { text: string; changed: string } {
  const wins = new Map<number, number>();
  for (const q of requests) {
    const d = authz.authorize(q);
    if (d.decision !== 'allow') continue;
    for (const id of d.reasons) {
      const m = /^policy(\d+)$/.exec(id);
      if (m !== null) wins.set(Number(m[1]), (wins.get(Number(m[1])) ?? 0) + 1);
    }
  }
  const byWins = [...wins].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([k]) => k);
  const k = [...byWins, ...w.policyList.keys()].find((i) => w.policyList[i]?.includes('\npermit('));
  if (k === undefined) throw new Error(`ops: no permit to change in ${w.label}`);
  const list = w.policyList.slice();
  list[k] = (list[k] as string).replace('\npermit(', '\nforbid(');
  const annotation = /@id\("([^"]*)"\)/.exec(w.policyList[k] as string)?.[1];
  return { text: list.join('\n\n'), changed: `policy${k}${annotation === undefined ? '' : ` (@id "${annotation}")`}` };
}

export async function opsOverhead(lab: Lab, policies = 10, entities = 1000): Promise<Overhead> {
  const { cfg } = lab;
  cfg.log(`ops: DecisionPoint on the deciding call, ${fmtCount(policies)} policies × ${fmtCount(entities)} entities`);
  const c = lab.compiled(policies, entities, poolSize(cfg, policies));
  const { store } = lab.store(entities);
  const w = c.workload;
  // The decide section's pool, as it sends it to Mandate (JSON requests).
  const requests = prepareRequests(w.requests, c.cedarId).mandate;
  const n = requests.length;
  const authz = new Authorizer({ policies: c.policySet, entities: store });

  const shadow = shadowCandidate(w, authz, requests);
  const shadowAuthz = new Authorizer({ policies: PolicySet.compile(shadow.text), entities: store });
  let poolDivergent = 0;
  for (const q of requests) if (shadowAuthz.authorize(q).decision !== authz.authorize(q).decision) poolDivergent++;
  if (poolDivergent === 0) throw new Error(`ops: changing ${shadow.changed} makes no request of the pool diverge`);

  const logs = new Map<string, DecisionLog>();
  // DecisionPoint contains what `onError` throws: collect instead, and fail below.
  const opsErrors: string[] = [];
  const point = (key: string, o: { log?: boolean; inputDigest?: boolean; shadow?: boolean }): DecisionPoint => {
    const opts: DecisionPointOptions = {
      policies: { kind: 'inline', policies: c.policySet, version: `bench:${w.label}` },
      entities: store,
      ...(o.inputDigest === undefined ? {} : { inputDigest: o.inputDigest }),
      ...(o.shadow ? { shadow: { policies: { kind: 'inline' as const, policies: shadow.text } } } : {}),
      onError: (e) => {
        opsErrors.push(e.message);
      },
    };
    if (!o.log) return DecisionPoint.create(opts);
    const log = new DecisionLog({ sinks: [discard] }); // default capacity (10,000)
    logs.set(key, log);
    return DecisionPoint.create({ ...opts, log });
  };
  const variants = [
    { key: 'decision-point', title: 'DecisionPoint, no log, no shadow', pdp: point('decision-point', {}) },
    { key: 'log', title: '+ log (input digest on: default)', pdp: point('log', { log: true }) },
    {
      key: 'log-no-digest',
      title: '+ log, inputDigest: false',
      pdp: point('log-no-digest', { log: true, inputDigest: false }),
    },
    { key: 'shadow', title: '+ shadow, no log', pdp: point('shadow', { shadow: true }) },
    { key: 'log-shadow', title: '+ log (digest on) + shadow', pdp: point('log-shadow', { log: true, shadow: true }) },
  ];
  for (const v of variants)
    if (v.key.includes('shadow') && v.pdp.shadowVersion === undefined) throw new Error(`ops: ${v.key} has no shadow`);
  if (opsErrors.length > 0) throw new Error(`ops: DecisionPoint reported: ${opsErrors.join('; ')}`);

  // Same decisions as the bare authorizer, request by request, before anything is timed.
  let allow = 0;
  for (const v of variants) {
    allow = checkAgreement(
      `ops/${v.key} (${w.label})`,
      n,
      {
        name: 'Authorizer.authorize',
        verdict: (i) => verdictOfMandate(authz.authorize(requests[i] as AuthorizationRequest)),
      },
      {
        name: `DecisionPoint (${v.key})`,
        verdict: (i) => verdictOfMandate(v.pdp.authorize(requests[i] as AuthorizationRequest)),
      },
    ).allow;
  }

  // Between chunks: one turn of the event loop, in which the drain that `record` scheduled
  // (setImmediate) runs; a flush only if something is still pending (counted: expected 0).
  let fallbackFlushes = 0;
  const between = async (): Promise<void> => {
    await nextTurn();
    for (const log of logs.values()) {
      if (log.stats.pending > 0) {
        fallbackFlushes++;
        await log.flush();
      }
    }
  };
  await between();
  const before = new Map(variants.map((v) => [v.key, v.pdp.stats]));

  const budget = cfg.fast;
  const stats = await compare(
    [
      contender({
        name: 'authorizer',
        fn: (q: AuthorizationRequest) => authz.authorize(q),
        inputs: requests,
        budget,
        between,
        chunk: CHUNK,
      }),
      ...variants.map((v) =>
        contender({
          name: v.key,
          fn: (q: AuthorizationRequest) => v.pdp.authorize(q),
          inputs: requests,
          budget,
          between,
          chunk: CHUNK,
        }),
      ),
    ],
    cfg.rounds,
  );
  await between();

  const counters: Record<string, number> = {};
  for (const [key, log] of logs) {
    await log.flush();
    const s = log.stats;
    counters[`${key}.recorded`] = s.recorded;
    counters[`${key}.dropped`] = s.dropped;
    if (s.dropped > 0 || s.written !== s.recorded || s.sinkErrors > 0)
      throw new Error(
        `ops/${key}: the decision log dropped ${s.dropped}, delivered ${s.written} of ${s.recorded}, ${s.sinkErrors} sink errors: the drain did not keep up between chunks, so the timings are not those of a draining log`,
      );
  }
  counters.drain_fallback_flushes = fallbackFlushes;
  for (const v of variants) {
    if (!v.key.includes('shadow')) continue;
    const s = v.pdp.stats;
    const b = before.get(v.key) ?? s;
    counters[`${v.key}.shadow_decisions`] = s.shadowDecisions - b.shadowDecisions;
    counters[`${v.key}.divergences`] = s.divergences - b.divergences;
    counters[`${v.key}.shadow_errors`] = s.shadowErrors - b.shadowErrors;
    if (s.divergences === b.divergences) throw new Error(`ops/${v.key}: the shadow never diverged while sampled`);
  }
  counters.pool_divergent_requests = poolDivergent;
  if (opsErrors.length > 0) throw new Error(`ops: DecisionPoint reported: ${opsErrors.join('; ')}`);

  const statsOf = (key: string) => {
    const s = stats[key];
    if (s === undefined) throw new Error(`ops: no samples for ${key}`);
    return s;
  };
  const result = overheadOf([
    { key: 'authorizer', title: 'Authorizer.authorize (baseline)', stats: statsOf('authorizer') },
    ...variants.map((v) => ({ key: v.key, title: v.title, stats: statsOf(v.key) })),
  ]);
  for (const v of result)
    cfg.log(
      `  ${v.key}: p50 ${fmtNs(v.stats.p50_ns)} p99 ${fmtNs(v.stats.p99_ns)} | +${fmtNs(v.overhead.p50_ns)} (${fmtRatio(v.ratio.p50)}) at p50`,
    );
  return {
    id: `ops/${fmtCount(policies)}x${fmtCount(entities)}`,
    title: w.label,
    policies: w.policyCount,
    entities: w.entityCount,
    requests: n,
    allowRate: allow / n,
    baseline: 'authorizer',
    variants: result,
    counters,
    notes: [
      `the decide section's request pool (JSON requests); every variant decides each request as Authorizer.authorize does (checked before timing)`,
      `timed per call in chunks of ${CHUNK}; between chunks (untimed, outside cpu mean) the event loop turns and each log drains to a sink that discards, off the deciding call`,
      `shadow: the same policies with ${shadow.changed} turned from permit into forbid; it decides ${poolDivergent} of ${n} pool requests differently`,
      'overheads are differences (and ratios) of percentiles, not percentiles of per-call differences',
      'no mitata cross-check here: its batched loop never yields, so the logs could not drain',
    ],
  };
}
