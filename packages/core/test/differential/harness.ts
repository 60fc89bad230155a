/**
 * @module differential/harness
 * The pieces shared by the differential property test, the standalone runner and the
 * regression tests: the oracle (cedar-wasm), the engine under test (pluggable), how two
 * `AuthorizationAnswer`s are compared, and how a case is printed when they differ.
 *
 * Engine selection (`MANDATE_DIFF_ENGINE`):
 * - `auto` (default): Mandate's `isAuthorized` from `packages/core/src/index.ts` when that file
 *   exists, otherwise cedar-wasm against itself (useful only to develop the generators).
 * - `mandate`: Mandate, and fail if it is missing.
 * - `wasm`: cedar-wasm against itself.
 * - a path to a module exporting `isAuthorized(call)`.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { AuthorizationAnswer, AuthorizationCall, DetailedError } from '@cedar-policy/cedar-wasm/nodejs';
import { SCHEMA } from './arbitraries.js';

export type IsAuthorized = (call: AuthorizationCall) => AuthorizationAnswer;

export interface Engine {
  readonly name: string;
  readonly isAuthorized: IsAuthorized;
  /** Mandate's own API (`new Authorizer(...).authorize(...)`), when the module has it. */
  readonly Authorizer?: AuthorizerClass | undefined;
  /**
   * Mandate's `PolicySet`, to compile policies as cedar-wasm's `isAuthorized` accepts them
   * (the main API also takes templates inside policy text; cedar-wasm refuses them there).
   */
  readonly PolicySet?: PolicySetClass | undefined;
}

export interface AuthorizerDecision {
  decision: 'allow' | 'deny';
  reasons: readonly string[];
  errors: ReadonlyArray<{ policyId: string; message: string }>;
  /** Set when the request itself was rejected (Cedar's `failure`). */
  failure?: { message: string } | undefined;
}
export interface PolicySetClass {
  compile(policies: unknown, options: { strictCedarWasm: boolean }): unknown;
}
export type AuthorizerClass = new (options: {
  policies: unknown;
  schema?: unknown;
  entities?: unknown;
  validateRequests?: boolean;
  validatePolicies?: boolean;
}) => {
  authorize(request: { principal: unknown; action: unknown; resource: unknown; context: unknown }): AuthorizerDecision;
};

/**
 * cedar-wasm, the reference. Called on a deep copy so that nothing can leak between engines.
 *
 * A trap (a stack overflow on deep nesting, or "memory access out of bounds") leaves the wasm
 * instance broken for every later call, so a fresh instance is started — and the call is tried
 * once more on it: a trap that a long run's worn instance produced (seen twice in a million
 * cases, never reproducible) must not be blamed on the input. Only a call that traps on a fresh
 * instance too is one Cedar cannot take: a failure.
 */
export function oracle(call: AuthorizationCall): AuthorizationAnswer {
  const first = tryOracle(call);
  if (first.trapped) {
    reloadCedarWasm();
    const again = tryOracle(call);
    if (again.trapped) reloadCedarWasm();
    return again.answer;
  }
  return first.answer;
}

function tryOracle(call: AuthorizationCall): { answer: AuthorizationAnswer; trapped: boolean } {
  try {
    return { answer: cedarWasm.isAuthorized(structuredClone(call)), trapped: false };
  } catch (e) {
    const trapped = e instanceof RangeError || (e instanceof Error && e.name === 'RuntimeError');
    // cedar-wasm also throws (rather than answering `failure`) on some malformed shapes, e.g.
    // a link whose slot name lacks the `?`: it rejected the input all the same.
    const message = `cedar-wasm threw: ${e instanceof Error ? e.message : String(e)}`;
    return { answer: { type: 'failure', errors: [detailed(message)], warnings: [] }, trapped };
  }
}

const requireCjs = createRequire(import.meta.url);
const CEDAR_WASM_PATH = requireCjs.resolve('@cedar-policy/cedar-wasm/nodejs');
/** A new cedar-wasm instance (its CommonJS build instantiates the module when loaded). */
function freshCedarWasm(): typeof cedar {
  delete requireCjs.cache[CEDAR_WASM_PATH];
  return requireCjs(CEDAR_WASM_PATH) as typeof cedar;
}
/**
 * The oracle's own instance, not the one the engine under test imports: a trap in one must
 * not poison the other (a trapped instance fails every later call).
 */
let cedarWasm: typeof cedar = freshCedarWasm();
function reloadCedarWasm(): void {
  cedarWasm = freshCedarWasm();
}

export const WASM_ENGINE: Engine = { name: 'cedar-wasm (self-check)', isAuthorized: oracle };

const MANDATE_INDEX = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../src/index.ts');

/** Loads the engine named by `MANDATE_DIFF_ENGINE` (see the module comment). */
export async function loadEngine(which: string = process.env.MANDATE_DIFF_ENGINE ?? 'auto'): Promise<Engine> {
  if (which === 'wasm' || which === 'cedar-wasm') return WASM_ENGINE;
  if (which === 'auto' && !existsSync(MANDATE_INDEX)) return WASM_ENGINE;
  const path =
    which === 'auto' || which === 'mandate' ? MANDATE_INDEX : isAbsolute(which) ? which : resolve(process.cwd(), which);
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const fn = mod.isAuthorized;
  if (typeof fn !== 'function') {
    throw new Error(`engine module \`${path}\` does not export \`isAuthorized\``);
  }
  const authorizer = typeof mod.Authorizer === 'function' ? (mod.Authorizer as AuthorizerClass) : undefined;
  const policySet = mod.PolicySet as PolicySetClass | undefined;
  return {
    name: which === 'auto' || which === 'mandate' ? 'mandate' : path,
    isAuthorized: fn as IsAuthorized,
    Authorizer: authorizer,
    PolicySet: typeof policySet?.compile === 'function' ? policySet : undefined,
  };
}

/**
 * Mandate's main API seen through cedar-wasm's call/answer shapes, so that one comparison
 * serves both: a constructor that throws (load-time problem) or a decision with `failure`
 * (bad request) is a `failure` answer; `authorize()` itself must not throw.
 */
export function authorizerAsIsAuthorized(Authorizer: AuthorizerClass, PolicySet?: PolicySetClass): IsAuthorized {
  return (call) => {
    let authz: InstanceType<AuthorizerClass>;
    try {
      authz = new Authorizer({
        policies: PolicySet ? PolicySet.compile(call.policies, { strictCedarWasm: true }) : call.policies,
        schema: call.schema,
        entities: call.entities,
        validateRequests: call.validateRequest ?? true,
        // cedar-wasm's isAuthorized never validates policies against the schema.
        validatePolicies: false,
      });
    } catch (e) {
      return {
        type: 'failure',
        errors: [detailed(`constructor threw: ${e instanceof Error ? e.message : String(e)}`)],
        warnings: [],
      };
    }
    const d = authz.authorize({
      principal: call.principal,
      action: call.action,
      resource: call.resource,
      context: call.context,
    });
    if (d.failure) return { type: 'failure', errors: [detailed(d.failure.message)], warnings: [] };
    return {
      type: 'success',
      response: {
        decision: d.decision,
        diagnostics: {
          reason: [...d.reasons],
          errors: d.errors.map((e) => ({ policyId: e.policyId, error: detailed(e.message) })),
        },
      },
      warnings: [],
    };
  };
}

function detailed(message: string): DetailedError {
  return { message, help: null, code: null, url: null, severity: null };
}

// ---------------------------------------------------------------------------------------------
// Answers, normalized

export type Verdict =
  | { readonly kind: 'failure'; readonly messages: readonly string[] }
  | { readonly kind: 'threw'; readonly message: string }
  | {
      readonly kind: 'success';
      readonly decision: string;
      readonly reasons: readonly string[];
      readonly errors: readonly string[];
      readonly messages: readonly string[];
    };

function sorted(xs: Iterable<string>): string[] {
  return [...xs].sort();
}

/** Runs an engine on a copy of the call; a throw becomes a verdict (engines must not throw). */
export function judge(fn: IsAuthorized, call: AuthorizationCall): Verdict {
  let answer: AuthorizationAnswer;
  try {
    answer = fn(structuredClone(call));
  } catch (e) {
    return { kind: 'threw', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
  return toVerdict(answer);
}

export function toVerdict(answer: AuthorizationAnswer): Verdict {
  if (answer === null || typeof answer !== 'object')
    return { kind: 'threw', message: `not an answer: ${String(answer)}` };
  if (answer.type === 'failure') return { kind: 'failure', messages: (answer.errors ?? []).map((e) => e.message) };
  if (answer.type !== 'success') return { kind: 'threw', message: `unknown answer type: ${JSON.stringify(answer)}` };
  const d = answer.response?.diagnostics;
  return {
    kind: 'success',
    decision: answer.response?.decision,
    reasons: sorted(d?.reason ?? []),
    errors: sorted((d?.errors ?? []).map((e) => e.policyId)),
    messages: (d?.errors ?? []).map((e) => `${e.policyId}: ${e.error?.message}`),
  };
}

/** Why two verdicts differ, or undefined when they agree (messages are not compared). */
export function difference(expected: Verdict, actual: Verdict): string | undefined {
  if (actual.kind === 'threw') return `engine threw instead of answering: ${actual.message}`;
  if (expected.kind === 'threw') return `oracle threw: ${expected.message}`;
  if (expected.kind !== actual.kind) return `expected ${expected.kind}, got ${actual.kind}`;
  if (expected.kind === 'failure' || actual.kind === 'failure') return undefined;
  const out: string[] = [];
  if (expected.decision !== actual.decision)
    out.push(`decision: expected ${expected.decision}, got ${actual.decision}`);
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(expected.reasons, actual.reasons)) {
    out.push(`reasons: expected ${JSON.stringify(expected.reasons)}, got ${JSON.stringify(actual.reasons)}`);
  }
  if (!same(expected.errors, actual.errors)) {
    out.push(`erroring policies: expected ${JSON.stringify(expected.errors)}, got ${JSON.stringify(actual.errors)}`);
  }
  return out.length ? out.join('; ') : undefined;
}

/** Coarse outcome of an answer, for the balance report. */
export type Outcome = 'allow' | 'deny' | 'allow+errors' | 'deny+errors' | 'failure' | 'threw';
export function outcomeOf(v: Verdict): Outcome {
  if (v.kind !== 'success') return v.kind;
  const base = v.decision === 'allow' ? 'allow' : 'deny';
  return v.errors.length ? `${base}+errors` : base;
}

export class OutcomeTally {
  readonly counts = new Map<Outcome, number>();
  total = 0;
  add(v: Verdict): void {
    const o = outcomeOf(v);
    this.counts.set(o, (this.counts.get(o) ?? 0) + 1);
    this.total++;
  }
  fraction(...outcomes: Outcome[]): number {
    return this.total ? outcomes.reduce((s, o) => s + (this.counts.get(o) ?? 0), 0) / this.total : 0;
  }
  toString(): string {
    const pct = (o: Outcome[]) => `${(100 * this.fraction(...o)).toFixed(1)}%`;
    return (
      `${this.total} cases: allow ${pct(['allow', 'allow+errors'])}, deny ${pct(['deny', 'deny+errors'])}, ` +
      `with policy errors ${pct(['allow+errors', 'deny+errors'])} ` +
      `(allow+errors ${pct(['allow+errors'])}, deny+errors ${pct(['deny+errors'])}), failure ${pct(['failure'])}`
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Printing a case

function describeVerdict(v: Verdict): string {
  switch (v.kind) {
    case 'threw':
      return `THREW ${v.message}`;
    case 'failure':
      return `failure: ${v.messages.join(' | ')}`;
    case 'success':
      return (
        `${v.decision}, reasons ${JSON.stringify(v.reasons)}, errors ${JSON.stringify(v.errors)}` +
        (v.messages.length ? `\n    ${v.messages.join('\n    ')}` : '')
      );
  }
}

/** The policy set as readable text: static policies, templates, links (or its JSON, when malformed). */
export function policiesText(call: AuthorizationCall): string {
  const ps: unknown = call.policies;
  if (ps === null || typeof ps !== 'object' || Array.isArray(ps)) return `(not a policy set) ${JSON.stringify(ps)}`;
  const { staticPolicies, templates, templateLinks } = ps as AuthorizationCall['policies'];
  const out: string[] = [];
  const show = (p: unknown) => (typeof p === 'string' ? p : JSON.stringify(p));
  if (typeof staticPolicies === 'string') out.push(staticPolicies);
  else if (staticPolicies && typeof staticPolicies === 'object') {
    for (const [id, p] of Object.entries(staticPolicies)) out.push(`// id ${JSON.stringify(id)}\n${show(p)}`);
  }
  if (templates && typeof templates === 'object') {
    for (const [id, t] of Object.entries(templates)) out.push(`// template ${JSON.stringify(id)}\n${show(t)}`);
  }
  if (Array.isArray(templateLinks)) {
    for (const l of templateLinks) {
      out.push(
        `// link ${JSON.stringify(l?.newId)} = ${JSON.stringify(l?.templateId)} with ${JSON.stringify(l?.values)}`,
      );
    }
  }
  const rest = Object.keys(ps).filter((k) => !['staticPolicies', 'templates', 'templateLinks'].includes(k));
  if (rest.length)
    out.push(`// also ${JSON.stringify(Object.fromEntries(rest.map((k) => [k, (ps as Record<string, unknown>)[k]])))}`);
  return out.join('\n\n');
}

/** The whole case, both answers, and a ready-to-paste regression entry. */
export function formatCase(call: AuthorizationCall, expected: Verdict, actual: Verdict, engineName: string): string {
  const lines = [
    '--- policies ---',
    policiesText(call),
    '--- entities ---',
    ...(Array.isArray(call.entities) && call.entities.length
      ? call.entities.map((e) => JSON.stringify(e))
      : [JSON.stringify(call.entities)]),
    '--- request ---',
    `principal ${JSON.stringify(call.principal)}`,
    `action    ${JSON.stringify(call.action)}`,
    `resource  ${JSON.stringify(call.resource)}`,
    `context   ${JSON.stringify(call.context)}`,
  ];
  if (call.schema !== undefined) {
    const schema =
      call.schema === SCHEMA
        ? 'SCHEMA (arbitraries.ts)'
        : typeof call.schema === 'string'
          ? call.schema
          : JSON.stringify(call.schema);
    lines.push('--- schema ---', schema);
    if (call.validateRequest !== undefined) lines.push(`validateRequest ${call.validateRequest}`);
  }
  lines.push(
    '--- answers ---',
    `cedar-wasm: ${describeVerdict(expected)}`,
    `${engineName}: ${describeVerdict(actual)}`,
    '--- regression entry (regressions.test.ts) ---',
    regressionEntry(call, expected),
  );
  return lines.join('\n');
}

/** Expected answer as stored in regressions.test.ts. */
export type Expected =
  | 'failure'
  | { readonly decision: 'allow' | 'deny'; readonly reasons: readonly string[]; readonly errors: readonly string[] };

export function expectedOf(v: Verdict): Expected | undefined {
  if (v.kind === 'failure') return 'failure';
  if (v.kind === 'success') return { decision: v.decision as 'allow' | 'deny', reasons: v.reasons, errors: v.errors };
  return undefined;
}

export function verdictOfExpected(e: Expected): Verdict {
  return e === 'failure'
    ? { kind: 'failure', messages: [] }
    : { kind: 'success', decision: e.decision, reasons: sorted(e.reasons), errors: sorted(e.errors), messages: [] };
}

export function regressionEntry(call: AuthorizationCall, expected: Verdict): string {
  const { schema, entities, ...rest } = call;
  // One line per field and per entity: short enough to read, exact enough to paste
  // (`JSON.parse` keeps `__proto__` keys as data, an object literal would not).
  const fields = Object.entries(rest).map(([k, v]) => `      ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  const ents = Array.isArray(entities) ? entities.map((e) => `        ${JSON.stringify(e)},`) : [];
  const json = [
    '    call: JSON.parse(String.raw`{',
    ...fields,
    Array.isArray(entities)
      ? `      "entities": [${ents.length ? `\n${ents.join('\n').replace(/,$/, '')}\n      ` : ''}]`
      : `      "entities": ${JSON.stringify(entities)}`,
    '    }`),',
  ].join('\n');
  // The generated schema is long and fixed: refer to it by name.
  const schemaLine =
    schema === undefined ? '' : `\n    schema: ${schema === SCHEMA ? 'SCHEMA' : JSON.stringify(schema)},`;
  return `  {\n    name: 'TODO say what went wrong',\n${json}${schemaLine}\n    expected: ${JSON.stringify(expectedOf(expected))},\n  },`;
}
