/**
 * @module test/extensions/harness
 * Differential harness for the extension types: a Cedar expression is judged by cedar-wasm
 * (the oracle) and by Mandate's extension functions, and the outcomes — true, false, or an
 * error with its message — are compared.
 *
 * cedar-wasm judges `permit(principal, action, resource) when { <expr> };` with no schema,
 * many expressions per call (one policy each). Mandate's side gets the same expression as
 * EST from cedar-wasm's `policyToJson` and evaluates it with a small EST interpreter that
 * covers what these tests need (literals, entity literals, sets, records, `==`, `!=`, `<`…`>=`, `&&`, `||`, `!`,
 * `if`, Long `+`/`-`, `contains`, extension calls) — the compiler proper lives elsewhere.
 * The `when` body must be a bool, as in Cedar.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { compareExtension, EXTENSION_FUNCTIONS, orderingTypeError } from '../../src/extensions/index.js';
import { EvaluationError, typeError } from '../../src/values/errors.js';
import {
  CedarRecord,
  CedarSet,
  EntityUID,
  I64_MAX,
  I64_MIN,
  typeOfValue,
  type Value,
  valueEquals,
} from '../../src/values/value.js';

export type Outcome = { readonly result: 'true' | 'false' } | { readonly result: 'error'; readonly message: string };

const policyText = (expr: string): string => `permit(principal, action, resource) when { ${expr} };`;

/** Outcomes of many expressions from one cedar-wasm call. */
export function cedarOutcomes(exprs: readonly string[]): Outcome[] {
  const policies: Record<string, string> = Object.create(null);
  exprs.forEach((e, i) => {
    policies[`p${i}`] = policyText(e);
  });
  const answer = cedar.isAuthorized({
    principal: { type: 'P', id: 'p' },
    action: { type: 'A', id: 'a' },
    resource: { type: 'R', id: 'r' },
    context: {},
    policies: { staticPolicies: policies },
    entities: [],
  });
  if (answer.type !== 'success') {
    throw new Error(`cedar-wasm rejected the batch: ${answer.errors.map((e) => e.message).join('; ')}`);
  }
  const allowed = new Set(answer.response.diagnostics.reason);
  const errors = new Map(answer.response.diagnostics.errors.map((e) => [e.policyId, e.error.message]));
  return exprs.map((_, i): Outcome => {
    const id = `p${i}`;
    const message = errors.get(id);
    if (message !== undefined) return { result: 'error', message };
    return { result: allowed.has(id) ? 'true' : 'false' };
  });
}

export const cedarOutcome = (expr: string): Outcome => cedarOutcomes([expr])[0] as Outcome;

// ---- Mandate's side: a tiny EST interpreter over the extension registry ----

type Est = { readonly [key: string]: unknown };

const isObject = (x: unknown): x is Est => typeof x === 'object' && x !== null && !Array.isArray(x);

function literal(v: unknown): Value {
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (isObject(v) && isObject(v.__entity)) return new EntityUID(String(v.__entity.type), String(v.__entity.id));
  if (typeof v === 'number') {
    // policyToJson rounds Longs beyond 2^53; a test that needs them must not rely on literals.
    if (!Number.isSafeInteger(v)) throw new Error(`test uses an inexact Long literal: ${v}`);
    return BigInt(v);
  }
  throw new Error(`unsupported literal in test: ${JSON.stringify(v)}`);
}

function asBool(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  throw typeError(`type error: expected bool, got ${typeOfValue(v)}`);
}

function asLong(v: Value): bigint {
  if (typeof v === 'bigint') return v;
  throw typeError(`type error: expected long, got ${typeOfValue(v)}`);
}

function checkedLong(v: bigint, what: string): bigint {
  if (v < I64_MIN || v > I64_MAX) throw new EvaluationError('overflow', `integer overflow while ${what}`);
  return v;
}

/** Cedar's `<`: Longs, or two datetimes, or two durations; anything else a type error. */
function compare(a: Value, b: Value): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const c = compareExtension(a, b);
  if (c === undefined) throw orderingTypeError(a, b);
  return c;
}

const BINARY = new Set(['==', '!=', '<', '<=', '>', '>=', '&&', '||', '+', '-', 'contains']);

function evaluate(node: unknown): Value {
  if (!isObject(node)) throw new Error(`unexpected EST node: ${JSON.stringify(node)}`);
  const keys = Object.keys(node);
  if (keys.length !== 1) throw new Error(`unexpected EST node: ${JSON.stringify(node)}`);
  const op = keys[0] as string;
  const body = node[op];
  if (op === 'Value') return literal(body);
  if (op === 'Set') return CedarSet.of((body as unknown[]).map(evaluate));
  if (op === 'Record')
    return CedarRecord.fromEntries(Object.entries(body as Est).map(([k, x]) => [k, evaluate(x)] as const));
  if (op === '!') return !asBool(evaluate((body as Est).arg));
  if (op === 'if-then-else') {
    const b = body as Est;
    return asBool(evaluate(b.if)) ? evaluate(b.then) : evaluate(b.else);
  }
  if (BINARY.has(op)) {
    const { left, right } = body as Est;
    if (op === '&&') return asBool(evaluate(left)) ? asBool(evaluate(right)) : false;
    if (op === '||') return asBool(evaluate(left)) ? true : asBool(evaluate(right));
    const a = evaluate(left);
    const b = evaluate(right);
    switch (op) {
      case '==':
        return valueEquals(a, b);
      case '!=':
        return !valueEquals(a, b);
      case '<':
        return compare(a, b) < 0;
      case '<=':
        return compare(a, b) <= 0;
      case '>':
        return compare(a, b) > 0;
      case '>=':
        return compare(a, b) >= 0;
      case '+':
        return checkedLong(asLong(a) + asLong(b), 'adding');
      case '-':
        return checkedLong(asLong(a) - asLong(b), 'subtracting');
      case 'contains':
        if (!(a instanceof CedarSet)) throw typeError(`type error: expected set, got ${typeOfValue(a)}`);
        return a.has(b);
    }
  }
  const fn = EXTENSION_FUNCTIONS.get(op);
  if (fn === undefined) throw new Error(`EST node not supported by the test interpreter: ${op}`);
  return fn.call((body as unknown[]).map(evaluate));
}

/**
 * EST bodies of many expressions from one `policyToJson` call: each expression becomes one
 * `when` clause of a single policy, and the EST lists the clauses in order.
 */
function estBodies(exprs: readonly string[]): unknown[] {
  if (exprs.length === 0) return [];
  const text = `permit(principal, action, resource) ${exprs.map((e) => `when { ${e} }`).join(' ')};`;
  const answer = cedar.policyToJson(text);
  if (answer.type !== 'success') throw new Error(`policyToJson failed: ${JSON.stringify(answer.errors)}`);
  const bodies = answer.json.conditions.map((c) => c.body);
  if (bodies.length !== exprs.length) throw new Error(`expected ${exprs.length} conditions, got ${bodies.length}`);
  return bodies;
}

function outcomeOf(body: unknown): Outcome {
  try {
    return { result: asBool(evaluate(body)) ? 'true' : 'false' };
  } catch (e) {
    if (e instanceof EvaluationError) return { result: 'error', message: e.message };
    throw e;
  }
}

/** Mandate's outcome for one expression. Non-EvaluationError exceptions are test bugs. */
export function mandateOutcome(expr: string): Outcome {
  return outcomeOf(estBodies([expr])[0]);
}

export interface Mismatch {
  readonly expr: string;
  readonly cedar: Outcome;
  readonly mandate: Outcome;
}

/**
 * Runs every expression through both engines. Messages are compared only when
 * `compareMessages` is set (all extension messages are meant to match Cedar's verbatim).
 */
export function differential(exprs: readonly string[], compareMessages = true): Mismatch[] {
  const expected = cedarOutcomes(exprs);
  const bodies = estBodies(exprs);
  const mismatches: Mismatch[] = [];
  exprs.forEach((expr, i) => {
    const c = expected[i] as Outcome;
    const m = outcomeOf(bodies[i]);
    const same =
      c.result === m.result &&
      (!compareMessages || c.result !== 'error' || m.result !== 'error' || c.message === m.message);
    if (!same) mismatches.push({ expr, cedar: c, mandate: m });
  });
  return mismatches;
}

/** A Cedar string literal for any JS string (escapes as Cedar's lexer expects). */
export function lit(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c < 0x20 || c === 0x7f || (c >= 0xd800 && c <= 0xdfff)) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * Property-test run count: `base` by default (seconds in CI), multiplied by the environment
 * variable EXT_FUZZ_SCALE for a deeper local run.
 */
const FUZZ_SCALE = ((): number => {
  const scale = Number(process.env.EXT_FUZZ_SCALE ?? '1');
  return Number.isFinite(scale) && scale > 0 ? scale : 1;
})();

export function runs(base: number): number {
  return Math.max(1, Math.round(base * FUZZ_SCALE));
}

/** Per-test timeout for property tests: seconds normally, but a loaded CI box can be slow. */
export const PROPERTY_TIMEOUT = Math.round(60_000 * FUZZ_SCALE);
