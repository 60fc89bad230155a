/**
 * @module report/human
 * The report for people, in the manner of `cedar run-tests`: one line per case (`ok`,
 * `fail: …`, `error: …`), each failure followed by its explanation, then coverage (what never
 * fired, what was never true or never false) and the closing `N passed, N failed` line CI
 * reads.
 */
import { formatExplanation } from '@mandate/core';
import type { CoverageReport } from '../coverage/coverage.js';
import type { TestCaseResult, TestRunResult } from '../run/run.js';

const ansi =
  (open: number, close: number) =>
  (s: string): string =>
    `\u001b[${open}m${s}\u001b[${close}m`;

export function percent(p: number): string {
  return `${(Math.floor(p * 10) / 10).toFixed(1)}%`;
}

export function caseTitle(c: TestCaseResult): string {
  return c.session === undefined ? c.name : `${c.session} › step ${(c.step ?? 0) + 1}: ${c.name}`;
}

const indent = (s: string, by: string) =>
  s
    .split('\n')
    .map((l) => (l === '' ? l : by + l))
    .join('\n');

/** Uncovered goals, one line each. */
export function coverageGaps(coverage: CoverageReport): { file?: string; line?: number; message: string }[] {
  const out: { file?: string; line?: number; message: string }[] = [];
  for (const p of coverage.policies) {
    const at = { ...(p.file === undefined ? {} : { file: p.file }), ...(p.line === undefined ? {} : { line: p.line }) };
    if (!p.fired) {
      out.push({
        ...at,
        message: `${p.effect} \`${p.id}\` never fired${p.matched === 0 ? ' (no test matched its scope)' : ''}`,
      });
    }
    for (const q of p.predicates) {
      const missing = [q.true === 0 ? 'true' : '', q.false === 0 ? 'false' : ''].filter(Boolean);
      if (missing.length === 0) continue;
      const what = q.clause === undefined ? 'condition' : `\`${q.clause}\` clause`;
      out.push({ ...at, message: `\`${p.id}\`: ${what} \`${q.text}\` was never ${missing.join(' nor ')}` });
    }
  }
  return out;
}

export function formatHuman(result: TestRunResult, options: { color?: boolean } = {}): string {
  const c = options.color === true;
  const green = c ? ansi(32, 39) : (s: string) => s;
  const red = c ? ansi(31, 39) : (s: string) => s;
  const dim = c ? ansi(2, 22) : (s: string) => s;
  const out: string[] = [];
  let file: string | undefined;
  for (const r of result.cases) {
    if (r.file !== file) {
      file = r.file;
      const n = result.cases.filter((x) => x.file === file).length;
      out.push(`running ${n} test(s) from ${file}`);
    }
    const title = `  test ${caseTitle(r)} ... `;
    if (r.status === 'passed') {
      out.push(`${title}${green('ok')}`);
      continue;
    }
    const where = r.line === undefined ? '' : dim(` (${r.file}:${r.line})`);
    out.push(`${title}${red(r.status === 'failed' ? 'fail' : 'error')}: ${r.messages.join('; ')}${where}`);
    if (r.explanation) out.push(indent(formatExplanation(r.explanation, { color: c }), '      '));
  }
  const cov = result.coverage;
  const threshold =
    result.coverageThreshold === undefined
      ? ''
      : ` (threshold ${result.coverageThreshold}%: ${result.thresholdMet ? green('met') : red('not met')})`;
  out.push('');
  out.push(`coverage: ${percent(cov.percent)} of ${cov.goals} goal(s)${threshold}`);
  for (const g of coverageGaps(cov)) {
    const at = g.file === undefined ? '' : dim(` (${g.file}${g.line === undefined ? '' : `:${g.line}`})`);
    out.push(`  ${g.message}${at}`);
  }
  const summary = `${result.passed} passed, ${result.failed} failed`;
  out.push(result.failed === 0 ? green(summary) : red(summary));
  return out.join('\n');
}
