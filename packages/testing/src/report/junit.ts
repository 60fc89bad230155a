/**
 * @module report/junit
 * JUnit XML, the format CI systems read: one `<testsuite>` per test file, one `<testcase>`
 * per case, `<failure>` for a wrong decision (with the explanation), `<error>` for a case
 * that could not be decided; coverage as properties. Text and attributes are escaped, and
 * characters XML 1.0 cannot carry are dropped.
 */
import { formatExplanation } from '@mandate/core';
import type { TestCaseResult, TestRunResult } from '../run/run.js';
import { caseTitle, coverageGaps } from './human.js';

/** Characters XML 1.0 allows: tab, newline, carriage return, and U+0020 upward except surrogates and U+FFFE/U+FFFF. */
function xmlChars(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c > 0xffff)
      out += ch;
  }
  return out;
}

export function escapeXml(s: string): string {
  return xmlChars(s)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** Attribute values also keep their newlines and tabs (a parser would normalize raw ones to spaces). */
const attr = (s: string) => escapeXml(s).replaceAll('\n', '&#10;').replaceAll('\r', '&#13;').replaceAll('\t', '&#9;');
const seconds = (ms: number) => (ms / 1000).toFixed(3);

function testcase(c: TestCaseResult): string {
  const head = `    <testcase classname="${attr(c.file)}" name="${attr(caseTitle(c))}" time="${seconds(c.durationMs)}"`;
  if (c.status === 'passed') return `${head}/>`;
  const tag = c.status === 'failed' ? 'failure' : 'error';
  const message = c.messages.join('; ');
  const body = [message, ...(c.explanation ? ['', formatExplanation(c.explanation)] : [])].join('\n');
  return `${head}>\n      <${tag} message="${attr(message)}" type="${tag === 'failure' ? 'decision' : 'error'}">${escapeXml(body)}</${tag}>\n    </testcase>`;
}

export function formatJunit(result: TestRunResult): string {
  const files = [...new Set(result.cases.map((c) => c.file))];
  const total = (xs: readonly TestCaseResult[]) => seconds(xs.reduce((t, c) => t + c.durationMs, 0));
  const count = (xs: readonly TestCaseResult[], s: TestCaseResult['status']) => xs.filter((c) => c.status === s).length;
  const cov = result.coverage;
  const props = [
    `      <property name="coverage" value="${cov.percent.toFixed(1)}"/>`,
    ...(result.coverageThreshold === undefined
      ? []
      : [`      <property name="coverageThreshold" value="${result.coverageThreshold}"/>`]),
    `      <property name="thresholdMet" value="${result.thresholdMet}"/>`,
    ...coverageGaps(cov).map((g) => `      <property name="uncovered" value="${attr(g.message)}"/>`),
  ];
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mandate" tests="${result.cases.length}" failures="${count(result.cases, 'failed')}" errors="${count(result.cases, 'error')}" time="${total(result.cases)}">`,
  ];
  for (const f of files) {
    const cs = result.cases.filter((c) => c.file === f);
    out.push(
      `  <testsuite name="${attr(f)}" tests="${cs.length}" failures="${count(cs, 'failed')}" errors="${count(cs, 'error')}" skipped="0" time="${total(cs)}">`,
      '    <properties>',
      ...props,
      '    </properties>',
      ...cs.map(testcase),
      '  </testsuite>',
    );
  }
  out.push('</testsuites>');
  return out.join('\n');
}
