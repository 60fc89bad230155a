/**
 * @module report/github
 * GitHub Actions workflow commands: `::error file=…,line=…,title=…::…` on the test file line
 * of each failed case, `::warning` on the policy line of each coverage gap, `::error` when the
 * coverage threshold is missed, and the closing `N passed, N failed` line. Data and property
 * values are escaped as the runner expects (`%`, CR, LF; and `:` `,` in properties). Paths
 * are made relative to the working directory (the checkout, in a workflow), as GitHub wants.
 */
import { isAbsolute, relative } from 'node:path';
import type { TestRunResult } from '../run/run.js';
import { caseTitle, coverageGaps, percent } from './human.js';

export const escapeData = (s: string): string =>
  s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
export const escapeProperty = (s: string): string => escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C');

function command(
  kind: 'error' | 'warning' | 'notice',
  props: Record<string, string | number | undefined>,
  message: string,
) {
  const p = Object.entries(props)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${kind}${p === '' ? '' : ` ${p}`}::${escapeData(message)}`;
}

const repoPath = (p: string | undefined): string | undefined =>
  p !== undefined && isAbsolute(p) ? relative(process.cwd(), p).replaceAll('\\', '/') : p;

export function formatGithub(result: TestRunResult): string {
  const out: string[] = [];
  for (const c of result.cases) {
    if (c.status === 'passed') continue;
    out.push(command('error', { file: repoPath(c.file), line: c.line, title: caseTitle(c) }, c.messages.join('\n')));
  }
  for (const g of coverageGaps(result.coverage)) {
    out.push(command('warning', { file: repoPath(g.file), line: g.line, title: 'policy coverage' }, g.message));
  }
  const cov = `coverage ${percent(result.coverage.percent)} of ${result.coverage.goals} goal(s)`;
  if (!result.thresholdMet) {
    out.push(
      command('error', { title: 'policy coverage' }, `${cov} is below the threshold of ${result.coverageThreshold}%`),
    );
  } else out.push(cov);
  out.push(`${result.passed} passed, ${result.failed} failed`);
  return out.join('\n');
}
