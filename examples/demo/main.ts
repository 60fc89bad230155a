/**
 * @module examples/demo
 * Mandate in one agent session, scripted — no model, no network. alice delegates a task to
 * her assistant, which spawns sub-agents; tools read and write files, fetch pages, post,
 * run shell commands and pay. Along the way a fetched page carries injected instructions, an
 * installed skill goes for `.env` and tries to send it out, and an ops sub-agent is asked to
 * do what alice may not. Every tool call goes through `SessionGuard.check` first; each step
 * prints Mandate's outcome, what decided it, the obligations and the session's taint.
 *
 * The scenario is `efficacy/traces/demo-openclaw-session.json`, the same trace the
 * efficacy suite replays, with the baseline policy library (`policies/baseline/`).
 *
 *   pnpm demo            colours on a terminal (NO_COLOR / FORCE_COLOR respected)
 *   pnpm demo --json     one JSON document, for machines
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Authorizer } from '@mandate/core';
import { buildChain } from '@mandate/identity';
import { cartDigest, type GuardOutcome, type GuardRequest, issueApproval, SessionGuard } from '@mandate/session';
import { decidedBy, readTrace, signTraceIntent, type TraceStep } from '../../efficacy/lib/trace.js';
import {
  APPROVAL_ISSUER,
  AUDIENCE,
  ENTITIES_FILE,
  loadBaseline,
  makeSigner,
  TOOLS,
  TRACES_DIR,
  WALLET_ISSUER,
} from '../../efficacy/lib/world.js';

const argv = process.argv.slice(2);
const asJson = argv.includes('--json');
const color = !asJson && useColor(argv);

function useColor(args: readonly string[]): boolean {
  if (args.includes('--no-color')) return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return process.stdout.isTTY === true;
}

const paint = (code: string) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = paint('1');
const dim = paint('2');
const red = paint('31');
const green = paint('32');
const yellow = paint('33');
const cyan = paint('36');

interface DemoStep {
  readonly n: number;
  readonly say: string;
  readonly actor: string;
  readonly chain: readonly string[];
  readonly tool: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly expect: 'allow' | 'block';
  /** The outcome the guard gave first (before a human approved, if one did). */
  readonly outcome: GuardOutcome['outcome'];
  /** The outcome the call ended with. */
  readonly final: GuardOutcome['outcome'];
  readonly decidedBy: readonly string[];
  /** The determining policies' `@reason` / `@approvable` texts. */
  readonly why: readonly string[];
  readonly obligations: readonly { kind: string; policies: readonly string[]; input: string }[];
  readonly approvedBy?: string;
  readonly labels: readonly string[];
  readonly added: readonly string[];
  readonly ok: boolean;
}

async function main(): Promise<number> {
  // 1. The deployment: the baseline policies over the Mandate schema, the registry's users,
  //    agents and tools, and the tool registry that drives taint tracking.
  const { text: policies, schema, files } = loadBaseline();
  const entities = JSON.parse(readFileSync(ENTITIES_FILE, 'utf8')) as unknown[];
  const authorizer = new Authorizer({ policies, schema, entities, idAnnotation: true });
  const wallet = await makeSigner(); // alice's wallet signs her intent
  const approvals = await makeSigner(); // the approval service signs human approvals
  const guard = new SessionGuard({
    authorizer,
    tools: TOOLS,
    intents: { key: wallet.publicKey, issuer: WALLET_ISSUER, audience: AUDIENCE },
    approvals: { key: approvals.publicKey, issuer: APPROVAL_ISSUER, audience: AUDIENCE },
  });

  // 2. The task: alice's signed intent (with the digest of the cart she approved).
  const trace = readTrace(join(TRACES_DIR, 'demo-openclaw-session.json'));
  const ti = trace.intent;
  if (ti === undefined) throw new Error('the demo trace needs an intent');
  const root = buildChain(trace.chain).root.id;
  const intent = await signTraceIntent(ti, root, wallet);
  const sessionId = `demo-${crypto.randomUUID().slice(0, 8)}`;

  const out = (s = '') => {
    if (!asJson) process.stdout.write(`${s}\n`);
  };
  out(bold('Mandate demo — an agent session, scripted (no model, no network)'));
  out();
  out(`${dim('task   ')} ${root} → assistant: “${ti.purpose}”`);
  out(`${dim('intent ')} signed by ${root}'s wallet: tools ${ti.tools?.join(', ')}`);
  out(`${dim('       ')} hosts ${ti.hosts?.join(', ')} · paths ${ti.paths?.join(', ')}`);
  out(
    `${dim('       ')} budget ${formatMoney(ti.budget)} · cart ${cartDigest(ti.cart).slice(0, 19)}… (the exact cart ${root} approved)`,
  );
  out(
    `${dim('policy ')} ${authorizer.policySet.staticIR.length} baseline policies from policies/baseline/ (${files.length} files), strictly validated`,
  );

  // 3. The session: before every tool call, ask the guard; run the tool only when allowed.
  const steps: DemoStep[] = [];
  for (const [i, step] of trace.steps.entries()) {
    const chain = buildChain(step.chain ?? trace.chain);
    const request: GuardRequest = {
      sessionId,
      chain,
      tool: step.tool,
      input: step.input,
      intent,
      ...(step.cart === undefined ? {} : { cart: step.cart }),
    };
    const first = await guard.check(request);
    let final = first;
    if (first.outcome === 'needs-approval' && step.approve !== undefined && first.obligations[0] !== undefined) {
      // A human looks at the obligation and approves exactly this call.
      const token = await issueApproval(first.obligations[0].binding, {
        key: approvals.privateKey,
        alg: 'ES256',
        issuer: APPROVAL_ISSUER,
        audience: AUDIENCE,
        approver: step.approve,
        ttl: 120,
      });
      final = await guard.check({ ...request, approval: token });
    }
    let labels = final.labels;
    if (final.outcome === 'allow') labels = await guard.record({ sessionId, tool: step.tool, output: step.output });
    const s: DemoStep = {
      n: i + 1,
      say: step.say,
      actor: chain.actor.id,
      chain: [chain.root.id, ...chain.hops.map((h) => h.id)],
      tool: step.tool,
      input: step.input,
      expect: step.expect,
      outcome: first.outcome,
      final: final.outcome,
      decidedBy: decidedBy(first),
      why: reasonsOf(first),
      obligations: first.obligations.map((o) => ({ kind: o.kind, policies: o.policies, input: o.binding.input })),
      ...(final.approval === undefined ? {} : { approvedBy: final.approval.approver }),
      labels,
      added: final.added,
      ok: (final.outcome === 'allow') === (step.expect === 'allow'),
    };
    steps.push(s);
    printStep(s, step, out);
  }

  const attacks = steps.filter((s) => s.expect === 'block');
  const benign = steps.filter((s) => s.expect === 'allow');
  const blocked = attacks.filter((s) => s.final !== 'allow').length;
  const allowed = benign.filter((s) => s.final === 'allow').length;
  const ok = steps.every((s) => s.ok);

  if (asJson) {
    const doc = {
      scenario: trace.id,
      session: sessionId,
      intent: { subject: root, ...ti, cart: cartDigest(ti.cart) },
      policies: authorizer.policySet.staticIR.length,
      steps,
      summary: { attacks: attacks.length, blocked, benign: benign.length, allowed, ok },
    };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return ok ? 0 : 1;
  }

  out();
  out(bold('Summary'));
  const rows = steps.map((s) => [
    String(s.n),
    s.actor,
    s.tool,
    s.approvedBy !== undefined ? 'allow (approved)' : s.final,
    s.final === 'allow' && s.approvedBy === undefined ? '—' : s.decidedBy.join(', '),
    s.labels.map((l) => (l === 'private-data' ? 'P' : l === 'untrusted-content' ? 'U' : l)).join('') || '·',
  ]);
  const head = ['#', 'actor', 'tool', 'outcome', 'decided by', 'taint'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((x, c) => x.padEnd(widths[c] as number))
      .join('  ')
      .trimEnd();
  out(dim(line(head)));
  for (const [k, r] of rows.entries()) {
    const s = steps[k] as DemoStep;
    const text = line(r);
    out(s.final === 'allow' ? (s.approvedBy === undefined ? text : yellow(text)) : red(text));
  }
  out(dim('taint: P private-data, U untrusted-content'));
  out();
  out(`attacks blocked: ${blocked}/${attacks.length}, benign allowed: ${allowed}/${benign.length}`);
  return ok ? 0 : 1;
}

function printStep(s: DemoStep, step: TraceStep, out: (s?: string) => void): void {
  out();
  const via = s.chain.length > 2 ? dim(` (${s.chain.join(' → ')})`) : '';
  out(`${bold(String(s.n).padStart(2))}  ${s.say}${via}`);
  out(`    ${cyan(s.actor)} ${bold(s.tool)} ${summarize(s.input)}`);
  const by = s.decidedBy.join(', ');
  if (s.outcome === 'allow') out(`    ${green('✔ ALLOW')}   ${dim(`permitted by ${by}`)}`);
  else if (s.outcome === 'deny') out(`    ${red('✖ DENY')}    by ${bold(by)}`);
  else out(`    ${yellow('⏸ NEEDS APPROVAL')}  by ${bold(by)}`);
  for (const w of s.why) out(`              ${dim(`“${w}”`)}`);
  for (const o of s.obligations)
    out(`    ${dim('obligation')} ${o.kind}: a human approves this exact call (input ${o.input.slice(0, 19)}…)`);
  if (s.approvedBy !== undefined)
    out(`    ${green('✔ ALLOW')}   approved by ${s.approvedBy}, once — the approval is bound to this call`);
  const added = s.added.length > 0 ? ` (+${s.added.join(', ')})` : '';
  out(`    ${dim('taint')}     ${s.labels.length > 0 ? s.labels.join(', ') : 'none'}${added}`);
  if (!s.ok) out(`    ${red(`unexpected: this step should ${step.expect === 'allow' ? 'be allowed' : 'be blocked'}`)}`);
}

/** The `@reason` (and `@approvable`) texts of the policies that decided a denial. */
function reasonsOf(o: GuardOutcome): string[] {
  if (o.outcome === 'allow') return [];
  if (o.obligations[0] !== undefined) return [...o.obligations[0].reasons];
  const texts = o.hops
    .filter((h) => h.decision.decision !== 'allow')
    .flatMap((h) => h.decision.determining.map((p) => p.annotations.reason))
    .filter((t): t is string => typeof t === 'string' && t !== '');
  if (texts.length === 0 && o.reasons.length === 0) return [o.message];
  if (texts.length === 0) return [o.message.replace(/^refused: /, '')];
  return [...new Set(texts)];
}

function summarize(input: Readonly<Record<string, unknown>>): string {
  const v = input.command ?? input.url ?? input.path ?? input.host ?? input.text ?? '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  const amount =
    typeof input.amount === 'number'
      ? ` ${formatMoney({ amount: String(input.amount), currency: String(input.currency) })}`
      : '';
  return (s.length > 80 ? `${s.slice(0, 77)}…` : s) + amount;
}

function formatMoney(b: { readonly amount: string; readonly currency: string } | undefined): string {
  if (b === undefined) return 'none';
  const n = BigInt(b.amount);
  return `${n / 100n}.${String(n % 100n).padStart(2, '0')} ${b.currency}`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
