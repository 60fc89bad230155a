/**
 * @module frontend/parse
 * Policy input → Cedar's JSON policy format (EST), through cedar-wasm's own parser, so that
 * what is accepted and rejected is exactly Cedar's. Adds what the wasm API leaves out:
 * policy ids in text order across static policies and templates, source locations of parse
 * errors in the caller's text (every failing policy of a text at once, not just the first),
 * and integer literals beyond 2^53 kept exact (as `bigint`).
 */
import type { DetailedError, PolicyJson, PolicySet as WasmPolicySet } from '@cedar-policy/cedar-wasm/nodejs';
import { PolicyError, type PolicyProblem, type SourceLocation } from '../errors.js';
import { CedarWasmTrap, callCedarWasm } from './cedar-wasm.js';
import { lineColumn, type Statement, scanStatements, utf8OffsetToIndex } from './scan.js';

/**
 * Deepest bracket nesting handed to Cedar's parser. cedar-wasm's recursive-descent parser
 * overflows the wasm stack at around 200 nested parentheses; past this bound a policy is
 * refused with a clear error instead.
 */
export const MAX_PARSE_NESTING = 128;

/** A policy or template as parsed: its id, its EST and where it came from. */
export interface ParsedPolicy {
  readonly id: string;
  readonly isTemplate: boolean;
  /** Cedar's JSON policy form; integer literals beyond 2^53 are `bigint`. */
  readonly est: PolicyJson;
  /** Source text, when the policy came as text. */
  readonly text?: string;
  /** Offset of the policy in the policy-set text it came from. */
  readonly offset?: number;
}

export interface ParsedLink {
  readonly newId: string;
  readonly templateId: string;
  /** Slot name (`?principal`, `?resource`) → entity uid JSON. */
  readonly values: Readonly<Record<string, unknown>>;
}

export interface ParsedPolicySet {
  readonly policies: readonly ParsedPolicy[];
  readonly links: readonly ParsedLink[];
}

/** The policy input forms accepted everywhere: text, or cedar-wasm's `PolicySet` shape. */
export type PolicySetInput = string | WasmPolicySet;

const problem = (message: string): DetailedError => ({ message, help: null, code: null, url: null, severity: null });

function describe(errors: readonly DetailedError[]): string {
  return errors
    .map((e) => {
      const labels = (e.sourceLocations ?? []).map((l) => l.label).filter((l): l is string => !!l);
      return labels.length ? `${e.message} (${labels.join('; ')})` : e.message;
    })
    .join('; ');
}

/** Where the first error points, in `whole`; `stmt` is the text cedar-wasm saw, at `base`. */
function locate(
  whole: string,
  base: number,
  stmt: string,
  errors: readonly DetailedError[],
): SourceLocation | undefined {
  const loc = errors[0]?.sourceLocations?.[0];
  if (!loc) return undefined;
  const start = utf8OffsetToIndex(stmt, loc.start);
  const end = utf8OffsetToIndex(stmt, loc.end);
  const offset = base + start;
  return { offset, length: end - start, ...lineColumn(whole, offset) };
}

/**
 * Parse one statement (one policy or template) to EST. Integer literals that a JS number
 * cannot hold are swapped for placeholders that can, the placeholder text is parsed, and the
 * exact values are put back — so a literal is never rounded. The original text is parsed
 * first so that Cedar's own checks (e.g. a literal beyond i64) still apply.
 */
function parseStatement(stmt: Statement): { ok: true; est: PolicyJson } | { ok: false; errors: DetailedError[] } {
  if (stmt.maxNesting > MAX_PARSE_NESTING) {
    const msg = `policy is nested ${stmt.maxNesting} brackets deep; the limit is ${MAX_PARSE_NESTING}`;
    return { ok: false, errors: [problem(msg)] };
  }
  const toJson = (text: string) => {
    try {
      return stmt.isTemplate ? callCedarWasm('templateToJson', text) : callCedarWasm('policyToJson', text);
    } catch (e) {
      if (!(e instanceof CedarWasmTrap)) throw e;
      return {
        type: 'failure' as const,
        errors: [problem(`policy is too deeply nested for Cedar's parser (${e.message})`)],
      };
    }
  };
  const first = toJson(stmt.text);
  if (first.type !== 'success') return { ok: false, errors: first.errors };
  if (stmt.unsafeIntegers.length === 0) return { ok: true, est: first.json };

  // Placeholders: safe integers that no literal of this statement uses.
  const exact = new Map<number, bigint>();
  let next = 2 ** 52 + 7;
  let text = '';
  let cursor = 0;
  for (const { offset, digits } of stmt.unsafeIntegers) {
    while (stmt.integerLiterals.has(String(next))) next++;
    exact.set(next, BigInt(digits));
    text += stmt.text.slice(cursor, offset) + String(next);
    cursor = offset + digits.length;
    next++;
  }
  text += stmt.text.slice(cursor);
  const second = toJson(text);
  if (second.type !== 'success') return { ok: false, errors: second.errors };
  return { ok: true, est: restoreIntegers(second.json, exact) as PolicyJson };
}

function restoreIntegers(node: unknown, exact: ReadonlyMap<number, bigint>): unknown {
  if (typeof node === 'number') {
    const pos = exact.get(node);
    if (pos !== undefined) return pos;
    const neg = exact.get(-node);
    if (neg !== undefined) return -neg;
    return node;
  }
  if (Array.isArray(node)) return node.map((x) => restoreIntegers(x, exact));
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      Object.defineProperty(out, k, {
        value: restoreIntegers(v, exact),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return node;
}

/** One {@link PolicyError} of kind `parse` for every statement that failed, the first leading. */
function parseFailure(failures: readonly PolicyProblem[]): PolicyError {
  const [first, ...more] = failures as [PolicyProblem, ...PolicyProblem[]];
  return new PolicyError('parse', first.message, {
    ...(first.policyId !== undefined ? { policyId: first.policyId } : {}),
    ...(first.location !== undefined ? { location: first.location } : {}),
    more,
  });
}

/**
 * Parse policy-set text: ids `policy0`, `policy1`, … in text order, templates included. A
 * statement that does not parse does not stop the others: every one that fails is reported
 * in one {@link PolicyError}, led by the first (its message, id and location).
 */
export function parsePolicyText(text: string, opts: { allowTemplates?: boolean } = {}): ParsedPolicy[] {
  const out: ParsedPolicy[] = [];
  const failures: PolicyProblem[] = [];
  const statements = scanStatements(text);
  for (let i = 0; i < statements.length; i++) {
    const stmt = statements[i] as Statement;
    const id = `policy${i}`;
    const res = parseStatement(stmt);
    if (!res.ok) {
      const location = locate(text, stmt.start, stmt.text, res.errors);
      const where = location ? ` at line ${location.line}, column ${location.column}` : '';
      failures.push({
        message: `failed to parse policy \`${id}\`${where}: ${describe(res.errors)}`,
        policyId: id,
        ...(location ? { location } : {}),
      });
      continue;
    }
    if (stmt.isTemplate && opts.allowTemplates === false) {
      // Stops here as it always has; a parse failure before it still comes first.
      if (failures.length > 0) throw parseFailure(failures);
      throw new PolicyError('parse', 'static policy set includes a template', { policyId: id });
    }
    out.push({ id, isTemplate: stmt.isTemplate, est: res.est, text: stmt.text, offset: stmt.start });
  }
  if (failures.length > 0) throw parseFailure(failures);
  return out;
}

function parseOne(id: string, input: unknown, asTemplate: boolean): ParsedPolicy {
  if (typeof input === 'string') {
    const stmts = scanStatements(input);
    const stmt = stmts[0];
    if (stmts.length !== 1 || stmt === undefined) {
      throw new PolicyError('parse', `policy \`${id}\` must be exactly one policy, found ${stmts.length}`, {
        policyId: id,
      });
    }
    if (stmt.isTemplate !== asTemplate) {
      throw new PolicyError(
        'parse',
        asTemplate
          ? `template \`${id}\` has no slots`
          : `policy \`${id}\` is a template (it has slots); give it under \`templates\``,
        { policyId: id },
      );
    }
    const res = parseStatement(stmt);
    if (!res.ok) {
      const location = locate(input, stmt.start, stmt.text, res.errors);
      throw new PolicyError('parse', `failed to parse policy \`${id}\`: ${describe(res.errors)}`, {
        policyId: id,
        ...(location ? { location } : {}),
      });
    }
    return { id, isTemplate: asTemplate, est: res.est, text: input };
  }
  if (input !== null && typeof input === 'object') {
    // Already EST: let Cedar check it by printing it back to text.
    const back = asTemplate
      ? callCedarWasm('templateToText', input as PolicyJson)
      : callCedarWasm('policyToText', input as PolicyJson);
    if (back.type !== 'success') {
      throw new PolicyError('parse', `invalid JSON policy \`${id}\`: ${describe(back.errors)}`, { policyId: id });
    }
    return { id, isTemplate: asTemplate, est: input as PolicyJson };
  }
  throw new PolicyError('parse', `policy \`${id}\` must be Cedar text or Cedar JSON, got ${typeof input}`, {
    policyId: id,
  });
}

/**
 * Parse any accepted policy input. With `strictCedarWasm`, inputs cedar-wasm's own
 * `isAuthorized` refuses (templates inside `staticPolicies` text) are refused too.
 */
export function parsePolicySet(input: PolicySetInput, opts: { strictCedarWasm?: boolean } = {}): ParsedPolicySet {
  if (typeof input === 'string') {
    return { policies: parsePolicyText(input, { allowTemplates: !opts.strictCedarWasm }), links: [] };
  }
  if (input === null || typeof input !== 'object') {
    throw new PolicyError(
      'parse',
      `policies must be Cedar text or a PolicySet object, got ${input === null ? 'null' : typeof input}`,
    );
  }
  for (const key of Object.keys(input)) {
    if (key !== 'staticPolicies' && key !== 'templates' && key !== 'templateLinks') {
      throw new PolicyError(
        'parse',
        `unknown field \`${key}\` in a policy set, expected one of \`staticPolicies\`, \`templates\`, \`templateLinks\``,
      );
    }
  }
  const policies: ParsedPolicy[] = [];
  const ids = new Set<string>();
  const add = (p: ParsedPolicy) => {
    if (ids.has(p.id))
      throw new PolicyError('duplicate-id', `duplicate template or policy id \`${p.id}\``, { policyId: p.id });
    ids.add(p.id);
    policies.push(p);
  };
  const sp = input.staticPolicies;
  if (typeof sp === 'string') {
    for (const p of parsePolicyText(sp, { allowTemplates: !opts.strictCedarWasm })) add(p);
  } else if (Array.isArray(sp)) {
    for (const [i, p] of sp.entries()) {
      // cedar-wasm's isAuthorized names every element of an array alike (`policy0` for text,
      // `JSON policy` for JSON), so more than one is a duplicate-id failure there; the
      // compatible mode mirrors that, Mandate's own API numbers them.
      const id = opts.strictCedarWasm ? (typeof p === 'string' ? 'policy0' : 'JSON policy') : `policy${i}`;
      add(parseOne(id, p, false));
    }
  } else if (sp !== undefined && sp !== null) {
    for (const [id, p] of Object.entries(sp)) add(parseOne(id, p, false));
  }
  for (const [id, t] of Object.entries(input.templates ?? {})) add(parseOne(id, t, true));
  const links: ParsedLink[] = [];
  for (const link of input.templateLinks ?? []) {
    if (ids.has(link.newId)) {
      throw new PolicyError('duplicate-id', `duplicate template or policy id \`${link.newId}\``, {
        policyId: link.newId,
      });
    }
    ids.add(link.newId);
    links.push({ newId: link.newId, templateId: link.templateId, values: link.values });
  }
  return { policies, links };
}
