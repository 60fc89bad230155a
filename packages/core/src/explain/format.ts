/**
 * @module explain/format
 * An explanation as text for people: the decision first, then each policy with its scope
 * and clauses as a tree of sub-expressions marked ✓ (true, matched, satisfied), ✗ (false,
 * not matched, unsatisfied), ! (error) or · (not evaluated), with the values that decided
 * them (`principal.risk = 72`). Policies whose scope does not match take one line (all of them in full with
 * `verbose`). No color unless asked for.
 */
import type {
  ConditionExplanation,
  Explanation,
  ExprExplanation,
  PolicyExplanation,
  ScopeConstraintExplanation,
} from './types.js';

export interface FormatExplanationOptions {
  /** ANSI colors (default false). */
  readonly color?: boolean;
  /** Show policies whose scope does not match in full, not on one line (default false). */
  readonly verbose?: boolean;
  /** Longest value shown before it is cut with `…` (default 200 characters). */
  readonly maxValueLength?: number;
}

interface Style {
  readonly ok: (s: string) => string;
  readonly bad: (s: string) => string;
  readonly err: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

const ansi =
  (open: number, close: number) =>
  (s: string): string =>
    `\u001b[${open}m${s}\u001b[${close}m`;
const COLOR: Style = { ok: ansi(32, 39), bad: ansi(31, 39), err: ansi(33, 39), dim: ansi(2, 22), bold: ansi(1, 22) };
const PLAIN: Style = { ok: (s) => s, bad: (s) => s, err: (s) => s, dim: (s) => s, bold: (s) => s };

/** Render an explanation as an indented tree. */
export function formatExplanation(explanation: Explanation, options: FormatExplanationOptions = {}): string {
  const st = options.color ? COLOR : PLAIN;
  const max = options.maxValueLength ?? 200;
  const cut = (s: string) => (s.length > max ? `${s.slice(0, max)}…` : s);
  const out: string[] = [];
  const e = explanation;

  const verdict = e.decision === 'allow' ? st.ok('ALLOW') : st.bad('DENY');
  if (e.request) {
    out.push(`${st.bold(verdict)}  ${e.request.principal} → ${e.request.action} → ${e.request.resource}`);
    out.push(`  context: ${cut(e.request.context)}`);
  } else out.push(st.bold(verdict));
  if (e.failure) out.push(`  ${st.err('request rejected')}: ${e.failure.message}`);
  else if (e.determining.length > 0) {
    out.push(`  decided by: ${e.determining.map((p) => `${p.effect} ${p.id}`).join(', ')}`);
  } else out.push(`  decided by: ${e.decision === 'deny' ? 'default deny (no policy satisfied)' : 'none'}`);
  for (const err of e.errors) out.push(`  ${st.err('error')} in ${err.policyId}: ${err.message}`);
  if (e.failure) return out.join('\n');

  for (const p of e.policies) {
    out.push('');
    policy(p);
  }
  return out.join('\n');

  function mark(outcome: string): string {
    switch (outcome) {
      case 'true':
      case 'satisfied':
      case 'matched':
        return st.ok('✓');
      case 'false':
      case 'unsatisfied':
      case 'unmatched':
        return st.bad('✗');
      case 'error':
        return st.err('!');
      default:
        return st.dim('·');
    }
  }

  function headline(p: PolicyExplanation): string {
    const where = p.source ? st.dim(` (line ${p.source.line})`) : '';
    const template = p.templateId ? st.dim(` [template ${p.templateId}]`) : '';
    const determining = p.determining ? st.bold(' [determining]') : '';
    const outcome =
      p.outcome === 'not-applicable' ? 'scope does not match' : p.outcome === 'error' ? `error: ${p.error}` : p.outcome;
    const m = p.outcome === 'not-applicable' ? 'unmatched' : p.outcome;
    return `${mark(m)} ${p.effect} ${st.bold(p.id)}${template}${where}${determining} — ${outcome}`;
  }

  function scopeLine(c: ScopeConstraintExplanation): string {
    const m = c.matched === undefined ? 'skipped' : c.matched ? 'matched' : 'unmatched';
    const value = c.value !== undefined && c.op !== 'any' ? st.dim(`  ← ${c.value}`) : '';
    const slot = c.slot ? st.dim(` (slot ${c.slot})`) : '';
    return `${mark(m)} ${c.text}${slot}${value}`;
  }

  function policy(p: PolicyExplanation): void {
    out.push(headline(p));
    const parts = [p.scope.principal, p.scope.action, p.scope.resource];
    if (p.outcome === 'not-applicable' && !options.verbose) {
      const missed = parts.filter((c) => c.matched === false);
      out.push(`    ${missed.map(scopeLine).join('; ')}`);
      return;
    }
    out.push('    scope');
    for (const c of parts) out.push(`      ${scopeLine(c)}`);
    for (const c of p.conditions) condition(c);
  }

  function condition(c: ConditionExplanation): void {
    const note = c.outcome === 'error' ? `error: ${c.error}` : c.outcome;
    out.push(`    ${c.kind} — ${c.outcome === 'skipped' ? st.dim('not evaluated') : note}`);
    node(c.expression, '      ', '      ');
  }

  function node(n: ExprExplanation, first: string, rest: string): void {
    let line =
      n.outcome === 'value' ? `${first}${n.text} = ${cut(n.value ?? '')}` : `${first}${mark(n.outcome)} ${n.text}`;
    if (n.outcome === 'error' && (n.errorOrigin || n.children.length === 0)) line += `  ${st.err(`error: ${n.error}`)}`;
    else if (n.outcome === 'skipped' && n.predicate) line += st.dim('  (not evaluated)');
    out.push(line);
    // Literal operands say nothing their parent's text does not.
    // Nor do the operands of what was never evaluated, except the clauses within it.
    const kids = n.children.filter((k) => k.op !== 'literal' && (n.outcome !== 'skipped' || k.predicate));
    kids.forEach((k, i) => {
      const last = i === kids.length - 1;
      node(k, `${rest}${last ? '└─ ' : '├─ '}`, `${rest}${last ? '   ' : '│  '}`);
    });
  }
}
