/**
 * @module commands/impact
 * `mandate impact`: replay recorded requests against a baseline policy set and a candidate,
 * and report every decision that changes, with the policies behind it before and after. A
 * file of accepted changes (by request id or digest) turns it into a CI gate: it fails only
 * on changes nobody accepted.
 *
 * The log is read a line at a time (node:readline), so a 100k-line log never sits in memory
 * as one string; both authorizers are built once and share one entity store.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readFileSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { type AuthorizationRequest, Authorizer, type Decision, parseJsonText } from '@mandate/core';
import type { Command } from 'commander';
import { type CommandContext, type RegisterCommand, writeJson } from '../command.js';
import { collect, compilePolicies, loadAuthorizer, type PolicyRef, policyRef, showPolicy } from '../decide.js';
import { CliError, loadError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { type CliIo, resolvePath, style } from '../io.js';
import { requestFromJson, showUid } from '../request.js';
import { displayPath, type PolicySources, readText } from '../sources.js';

export interface ImpactOptions {
  readonly baselinePolicies: readonly string[];
  readonly policies: readonly string[];
  readonly requests: string;
  readonly entities?: string;
  readonly schema?: string;
  readonly accepted?: string;
  readonly json?: boolean;
  /** Changes printed in full by the human report (all are in `--json`). */
  readonly limit?: number;
}

/** One side of a change. */
export interface ImpactSide {
  readonly decision: 'allow' | 'deny';
  readonly determining: readonly PolicyRef[];
  readonly errors: readonly { readonly policyId: string; readonly message: string }[];
  readonly failure?: string;
}

export interface ImpactChange {
  /** 1-based line of the log (or 1-based index in a JSON array). */
  readonly line: number;
  readonly id?: string;
  readonly digest: string;
  readonly request: { readonly principal: string; readonly action: string; readonly resource: string };
  readonly before: ImpactSide;
  readonly after: ImpactSide;
  /** The policies that make the difference (see the README). */
  readonly causes: readonly PolicyRef[];
  readonly accepted: boolean;
}

export interface ImpactResult {
  readonly requests: number;
  readonly changes: readonly ImpactChange[];
  readonly allowToDeny: number;
  readonly denyToAllow: number;
  readonly unaccepted: number;
  /** Requests whose recorded decision the baseline does not reproduce. */
  readonly drift: readonly {
    readonly line: number;
    readonly id?: string;
    readonly recorded: string;
    readonly baseline: string;
  }[];
  /** Requests rejected before any policy ran (e.g. not matching the schema), by either set. */
  readonly rejected: number;
  /** The first few rejections, with the core's message. */
  readonly rejections: readonly { readonly line: number; readonly id?: string; readonly message: string }[];
  /** Accepted entries that matched no change. */
  readonly staleAccepted: readonly string[];
  /** Changes grouped by the policy that causes them. */
  readonly byCause: readonly {
    readonly policy: PolicyRef;
    readonly side: 'before' | 'after';
    readonly count: number;
  }[];
}

interface AcceptedEntry {
  readonly key: string;
  readonly to?: 'allow' | 'deny';
  used: boolean;
}

/** Canonical JSON: object keys sorted, so the digest of a request does not depend on key order. */
function canonical(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** `sha256:` and 16 hex digits of the request's principal, action, resource and context. */
export function requestDigest(r: AuthorizationRequest): string {
  const text = canonical({
    principal: showUid(r.principal),
    action: showUid(r.action),
    resource: showUid(r.resource),
    context: r.context ?? {},
  });
  return `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

/** `yaml` is imported here, when a file of accepted changes is read, not when the CLI starts. */
async function loadAccepted(io: CliIo, path: string): Promise<Map<string, AcceptedEntry>> {
  const shown = displayPath(io, path);
  const { parse: parseYaml } = await import('yaml');
  let doc: unknown;
  try {
    doc = parseYaml(readText(io, path, 'accepted changes'));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${shown}: not valid YAML or JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc) && 'accepted' in doc) {
    doc = (doc as { accepted: unknown }).accepted;
  }
  if (doc === null || doc === undefined) doc = [];
  if (!Array.isArray(doc)) throw new CliError(`${shown}: expected a list of accepted changes`);
  const out = new Map<string, AcceptedEntry>();
  doc.forEach((e: unknown, i: number) => {
    const where = `${shown}: entry ${i + 1}`;
    if (typeof e === 'string') {
      out.set(e, { key: e, used: false });
      return;
    }
    if (e === null || typeof e !== 'object')
      throw new CliError(`${where}: expected an id, a digest or \`{ id | digest, to? }\``);
    const { id, digest, to } = e as Record<string, unknown>;
    const key = typeof id === 'string' ? id : typeof digest === 'string' ? digest : undefined;
    if (key === undefined) throw new CliError(`${where}: needs \`id\` or \`digest\``);
    if (to !== undefined && to !== 'allow' && to !== 'deny')
      throw new CliError(`${where}: \`to\` must be \`allow\` or \`deny\`, not \`${String(to)}\``);
    out.set(key, { key, ...(to !== undefined ? { to } : {}), used: false });
  });
  return out;
}

/** Whether the log is a JSON array (first non-blank character `[`) rather than JSON lines. */
function isJsonArray(io: CliIo, path: string): boolean {
  const fd = openSync(resolvePath(io, path), 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = buf
      .subarray(0, n)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    return head.startsWith('[');
  } finally {
    closeSync(fd);
  }
}

/** Entries of the log, each with its line (JSON lines) or 1-based position (JSON array). */
async function* logEntries(io: CliIo, path: string): AsyncGenerator<{ line: number; value: unknown }> {
  const shown = displayPath(io, path);
  let array: boolean;
  try {
    array = isJsonArray(io, path);
  } catch (e) {
    throw loadError(e, 'requests', path);
  }
  if (array) {
    let all: unknown;
    try {
      all = parseJsonText(readFileSync(resolvePath(io, path), 'utf8'));
    } catch (e) {
      throw loadError(e, 'requests', shown);
    }
    if (!Array.isArray(all)) throw new CliError(`${shown}: expected a JSON array of requests`);
    for (let i = 0; i < all.length; i++) yield { line: i + 1, value: all[i] };
    return;
  }
  const rl = createInterface({
    input: createReadStream(resolvePath(io, path), 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let line = 0;
  for await (const raw of rl) {
    line++;
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = parseJsonText(text);
    } catch (e) {
      throw new CliError(`${shown}:${line}: ${e instanceof Error ? e.message : String(e)}`);
    }
    yield { line, value };
  }
}

/** A log entry: a request, or a decision-log record `{ id?, request, decision? }`. */
function readEntry(value: unknown, where: string): { request: AuthorizationRequest; id?: string; recorded?: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliError(`${where}: expected a JSON object (a request or \`{ request, decision }\`)`);
  }
  const v = value as Record<string, unknown>;
  const request = requestFromJson(v.request !== undefined ? v.request : v, where);
  const id =
    v.id === undefined ? undefined : typeof v.id === 'string' || typeof v.id === 'number' ? String(v.id) : undefined;
  if (v.id !== undefined && id === undefined) throw new CliError(`${where}: \`id\` must be a string or a number`);
  const rawDecision = v.decision;
  if (rawDecision !== undefined && rawDecision !== 'allow' && rawDecision !== 'deny') {
    throw new CliError(`${where}: \`decision\` must be \`allow\` or \`deny\`, not \`${String(rawDecision)}\``);
  }
  return {
    request,
    ...(id !== undefined ? { id } : {}),
    ...(rawDecision !== undefined ? { recorded: rawDecision } : {}),
  };
}

function side(d: Decision, sources: PolicySources): ImpactSide {
  return {
    decision: d.decision,
    determining: d.determining.map((p) => policyRef(p.id, sources, p)),
    errors: d.errors.map((e) => ({ policyId: e.policyId, message: e.message })),
    ...(d.failure ? { failure: d.failure.message } : {}),
  };
}

/**
 * The policies that make the difference. allow → deny: the forbids that now apply, else the
 * permits that no longer do. deny → allow: the permits that now apply, and the forbids that
 * no longer do.
 */
function causesOf(before: ImpactSide, after: ImpactSide): { policy: PolicyRef; side: 'before' | 'after' }[] {
  const tag = (side: 'before' | 'after') => (policy: PolicyRef) => ({ policy, side });
  if (after.decision === 'deny') {
    return after.determining.length > 0 ? after.determining.map(tag('after')) : before.determining.map(tag('before'));
  }
  return [...after.determining.map(tag('after')), ...before.determining.map(tag('before'))];
}

/** Rejections kept with their message (the count covers them all). */
const MAX_REJECTIONS_SHOWN = 20;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const causeKey = (c: { policy: PolicyRef; side: string }) =>
  `${c.side}\u0000${c.policy.id}\u0000${c.policy.annotationId ?? ''}`;

export async function runImpact(ctx: CommandContext, o: ImpactOptions): Promise<ExitCode> {
  const { io } = ctx;
  const base = loadAuthorizer(io, { policies: o.baselinePolicies, schema: o.schema, entities: o.entities });
  const { set: candidateSet, sources: candidateSources } = compilePolicies(io, o.policies);
  let candidate: Authorizer;
  try {
    // The baseline's schema and entity store, already loaded and checked, are shared.
    candidate = new Authorizer({ policies: candidateSet, schema: base.schema, entities: base.authorizer.entities });
  } catch (e) {
    throw loadError(e, 'policies', candidateSources.files.join(', '), candidateSources);
  }
  const accepted = o.accepted === undefined ? undefined : await loadAccepted(io, o.accepted);
  const shownLog = displayPath(io, o.requests);

  const changes: ImpactChange[] = [];
  const drift: { line: number; id?: string; recorded: string; baseline: string }[] = [];
  const byCause = new Map<string, { policy: PolicyRef; side: 'before' | 'after'; count: number }>();
  let requests = 0;
  let rejected = 0;
  const rejections: { line: number; id?: string; message: string }[] = [];
  let allowToDeny = 0;
  let denyToAllow = 0;

  const progress = io.stderr.isTTY === true;
  let lastTick = 0;
  const tick = (force: boolean) => {
    const now = Date.now();
    if (!progress || (!force && now - lastTick < 100)) return;
    lastTick = now;
    io.stderr.write(
      `\r\u001b[Kreplaying ${shownLog}: ${requests.toLocaleString('en-US')} requests, ${changes.length.toLocaleString('en-US')} changes`,
    );
  };

  for await (const { line, value } of logEntries(io, o.requests)) {
    const where = `${shownLog}:${line}`;
    const entry = readEntry(value, where);
    requests++;
    if ((requests & 1023) === 0) tick(false);
    const b = base.authorizer.authorize(entry.request);
    const a = candidate.authorize(entry.request);
    const failure = b.failure ?? a.failure;
    if (failure) {
      rejected++;
      if (rejections.length < MAX_REJECTIONS_SHOWN) {
        rejections.push({ line, ...(entry.id !== undefined ? { id: entry.id } : {}), message: failure.message });
      }
    }
    if (entry.recorded !== undefined && entry.recorded !== b.decision) {
      drift.push({
        line,
        ...(entry.id !== undefined ? { id: entry.id } : {}),
        recorded: entry.recorded,
        baseline: b.decision,
      });
    }
    if (a.decision === b.decision) continue;
    const before = side(b, base.sources);
    const after = side(a, candidateSources);
    const digest = requestDigest(entry.request);
    const hit = accepted?.get(entry.id ?? '\u0000') ?? accepted?.get(digest);
    const ok = hit !== undefined && (hit.to === undefined || hit.to === after.decision);
    if (ok) hit.used = true;
    const causes = causesOf(before, after);
    for (const c of causes) {
      const k = causeKey(c);
      const g = byCause.get(k);
      if (g) g.count++;
      else byCause.set(k, { ...c, count: 1 });
    }
    if (after.decision === 'deny') allowToDeny++;
    else denyToAllow++;
    changes.push({
      line,
      ...(entry.id !== undefined ? { id: entry.id } : {}),
      digest,
      request: {
        principal: showUid(entry.request.principal),
        action: showUid(entry.request.action),
        resource: showUid(entry.request.resource),
      },
      before,
      after,
      causes: causes.map((c) => c.policy),
      accepted: ok,
    });
  }
  if (progress) io.stderr.write('\r\u001b[K');

  const result: ImpactResult = {
    requests,
    changes,
    allowToDeny,
    denyToAllow,
    unaccepted: changes.filter((c) => !c.accepted).length,
    drift,
    rejected,
    rejections,
    staleAccepted: accepted ? [...accepted.values()].filter((e) => !e.used).map((e) => e.key) : [],
    byCause: [...byCause.values()].sort((x, y) => y.count - x.count),
  };
  if (o.json) writeJson(io.stdout, result);
  else printHuman(ctx, result, o.limit ?? 50, accepted !== undefined);
  return result.unaccepted > 0 ? EXIT.FAILURE : EXIT.OK;
}

function printHuman(ctx: CommandContext, r: ImpactResult, limit: number, gated: boolean): void {
  const { io } = ctx;
  const s = style(ctx.color(io.stdout));
  const out = (line = '') => io.stdout.write(`${line}\n`);
  const dec = (d: string) => (d === 'allow' ? s.green(d) : s.red(d));
  const refs = (ps: readonly PolicyRef[]) =>
    ps.length === 0 ? s.dim('(no policy: default deny)') : ps.map(showPolicy).join(', ');
  for (const c of r.changes.slice(0, limit)) {
    const name = c.id !== undefined ? `${c.id} ` : '';
    const mark = c.accepted ? s.dim(' (accepted)') : '';
    out(
      `${s.bold(`${dec(c.before.decision)} → ${dec(c.after.decision)}`)}  ${name}${s.dim(c.digest)}  line ${c.line}${mark}`,
    );
    out(`  ${c.request.principal} ${c.request.action} ${c.request.resource}`);
    out(`  before: ${refs(c.before.determining)}`);
    out(`  after:  ${refs(c.after.determining)}`);
    if (c.after.failure) out(`  ${s.yellow('rejected')}: ${c.after.failure}`);
  }
  if (r.changes.length > limit)
    out(s.dim(`… and ${r.changes.length - limit} more changes (see --json, or raise --limit)`));
  if (r.byCause.length > 0) {
    out();
    out('changes by policy:');
    for (const g of r.byCause) {
      const what = g.side === 'after' ? 'now applies' : 'no longer applies';
      out(`  ${String(g.count).padStart(6)}  ${g.policy.effect ?? ''} ${showPolicy(g.policy)} ${s.dim(`(${what})`)}`);
    }
  }
  if (r.drift.length > 0) {
    out();
    out(
      `${s.yellow(`${plural(r.drift.length, 'recorded decision', 'recorded decisions')} not reproduced by the baseline`)}:`,
    );
    for (const d of r.drift.slice(0, 10))
      out(`  line ${d.line}${d.id !== undefined ? ` (${d.id})` : ''}: recorded ${d.recorded}, baseline ${d.baseline}`);
    if (r.drift.length > 10) out(s.dim(`  … and ${r.drift.length - 10} more`));
  }
  for (const k of r.staleAccepted) io.stderr.write(`note: accepted change \`${k}\` did not occur\n`);
  out();
  if (r.rejected > 0) {
    out(s.yellow(`${plural(r.rejected, 'request was', 'requests were')} rejected before evaluation (decided deny):`));
    for (const x of r.rejections.slice(0, 5))
      out(`  line ${x.line}${x.id !== undefined ? ` (${x.id})` : ''}: ${x.message}`);
    if (r.rejected > 5) out(s.dim(`  … and ${r.rejected - 5} more`));
    out();
  }
  out(
    `${plural(r.requests, 'request', 'requests')} replayed, ${plural(r.changes.length, 'decision changes', 'decisions change')} (${r.allowToDeny} allow → deny, ${r.denyToAllow} deny → allow)`,
  );
  if (r.unaccepted > 0) {
    out(
      s.red(`${plural(r.unaccepted, 'change', 'changes')} not accepted${gated ? '' : ' (no --accepted file given)'}`),
    );
  } else if (r.changes.length > 0) out(s.green('all changes accepted'));
}

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new CliError(`limit \`${v}\` is not a non-negative integer`, { exitCode: EXIT.USAGE });
  return n;
};

export const registerImpact: RegisterCommand = (program: Command, ctx: CommandContext) => {
  program
    .command('impact')
    .description('replay recorded requests against baseline and candidate policies; report changed decisions')
    .requiredOption('--baseline-policies <path>', 'policies in force (file or directory; repeatable)', collect)
    .requiredOption('--policies <path>', 'candidate policies (file or directory; repeatable)', collect)
    .requiredOption('--requests <file>', 'request log: JSON lines (one request per line) or a JSON array')
    .option('--entities <file>', 'entities JSON file (an array)')
    .option('--schema <file>', 'Cedar schema (both policy sets are validated against it)')
    .option('--accepted <file>', 'accepted changes (YAML or JSON list of ids or digests)')
    .option('--limit <n>', 'changes printed in full (default 50; --json has all)', positiveInt)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Each log line is a request, { "principal": "User::\\"alice\\"", "action": …, "resource": …, "context": {…} },
optionally with "id" and the recorded "decision"; or a decision-log record { "id", "request": {…}, "decision" }.
A change is accepted when its id or digest (sha256:…, printed with each change) is listed in --accepted,
optionally restricted to a direction: - { id: req-42, to: deny }.

Example:
  mandate impact --baseline-policies main/policies --policies policies \\
    --entities entities.json --requests decisions.jsonl --accepted impact-accepted.yaml

Exit codes:
  0  no decision changes, or every change is accepted
  1  a change is not accepted (without --accepted, any change), or an input could not be loaded
  2  usage error`,
    )
    .action(async (opts: ImpactOptions) => ctx.exit(await runImpact(ctx, opts)));
};
