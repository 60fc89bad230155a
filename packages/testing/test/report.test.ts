/**
 * @module report.test
 * The reporters on a real run and on hostile names: the human report ends with the line CI
 * reads and shows failures with their explanation; JSON round-trips; JUnit XML is
 * well-formed (checked by a small parser below) with everything escaped; GitHub annotations
 * escape data and properties and point at the test file line and the policy line.
 */
import { join } from 'node:path';
import { formatReport, runTestFiles, type TestRunResult } from '@mandate/testing';
import { describe, expect, test } from 'vitest';

const fixtures = join(import.meta.dirname, 'fixtures');
const run = await runTestFiles([join(fixtures, 'cedar-format.json'), join(fixtures, 'agent.test.yaml')], {
  policies: join(fixtures, 'agent.cedar'),
  coverageThreshold: 99,
});

const HOSTILE = 'a<b>&"c\'\n%d,e:f\u0001\u{1F600}';
const hostile: TestRunResult = {
  passed: 0,
  failed: 1,
  cases: [
    {
      file: `x${HOSTILE}.json`,
      name: HOSTILE,
      index: 0,
      line: 3,
      status: 'error',
      messages: [HOSTILE],
      durationMs: 1,
    },
  ],
  coverage: { percent: 100, goals: 0, met: 0, policies: [] },
  thresholdMet: true,
};

/** Well-formedness: balanced tags, quoted attributes, only known entities, no raw `<` or `&` in text. */
function checkXml(xml: string): void {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let last = 0;
  for (let m = token.exec(body); m !== null; m = token.exec(body)) {
    last = token.lastIndex;
    const [, close, name, attrs, selfClose, text] = m;
    const entities = (s: string) => s.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, '');
    if (text !== undefined) {
      expect(entities(text)).not.toMatch(/[&<]/);
      continue;
    }
    expect(entities(attrs ?? '')).not.toMatch(/&/);
    if (close) expect(stack.pop()).toBe(name);
    else if (!selfClose) stack.push(name as string);
  }
  expect(last).toBe(body.length);
  expect(stack).toEqual([]);
  for (const ch of xml) {
    const c = ch.codePointAt(0) as number;
    expect(c >= 0x20 || c === 0x9 || c === 0xa || c === 0xd, `U+${c.toString(16)} in XML`).toBe(true);
  }
}

describe('formatReport', () => {
  test('human: one line per case, failures explained, coverage gaps, closing line', () => {
    const s = formatReport(run, 'human');
    expect(s).toContain(`running 2 test(s) from ${join(fixtures, 'cedar-format.json')}`);
    expect(s).toContain('  test coder reads own notes ... ok');
    expect(s).toMatch(/test wrong on purpose \.\.\. fail: expected allow, got deny \(.*agent\.test\.yaml:22\)/);
    expect(s).toContain('└─ principal.risk = 90');
    expect(s).toContain('test lethal trifecta › step 3: trifecta closes egress ... ok');
    expect(s).toMatch(/coverage: \d+\.\d% of 17 goal\(s\) \(threshold 99%: not met\)/);
    expect(s).toContain('`policy0`: condition `resource.owner == principal.owner` was never false');
    expect(s.split('\n').at(-1)).toBe('7 passed, 1 failed');
    expect(s).not.toContain('\u001b[');
    expect(formatReport(run, 'human', { color: true })).toContain('\u001b[31m');
  });

  test('json: the whole result', () => {
    const back = JSON.parse(formatReport(run, 'json'));
    expect(back).toMatchObject({ passed: 7, failed: 1, thresholdMet: false, coverageThreshold: 99 });
    expect(back.cases[4].explanation.decision).toBe('deny');
    expect(back.coverage.goals).toBe(17);
  });

  test('junit: well-formed, counted, escaped', () => {
    const xml = formatReport(run, 'junit');
    checkXml(xml);
    expect(xml).toContain('<testsuites name="mandate" tests="8" failures="1" errors="0"');
    expect(xml).toContain('<failure message="expected allow, got deny" type="decision">');
    const h = formatReport(hostile, 'junit');
    checkXml(h);
    expect(h).toContain('name="a&lt;b&gt;&amp;&quot;c&apos;&#10;%d,e:f😀"');
    expect(h).toContain('<error message=');
  });

  test('github: annotations on the test file and on the policies, escaped', () => {
    const s = formatReport(run, 'github');
    expect(s).toMatch(/^::error file=.*agent\.test\.yaml,line=22,title=wrong on purpose::expected allow, got deny$/m);
    expect(s).toMatch(/^::warning file=.*agent\.cedar,line=2,title=policy coverage::`policy0`: condition/m);
    expect(s).toMatch(
      /^::error title=policy coverage::coverage \d+\.\d%25 of 17 goal\(s\) is below the threshold of 99%25$/m,
    );
    expect(s.split('\n').at(-1)).toBe('7 passed, 1 failed');
    const h = formatReport(hostile, 'github');
    expect(h).toContain('::error file=xa<b>&"c\'%0A%25d%2Ce%3Af\u0001😀.json,line=3,title=a<b>&"c\'%0A%25d%2Ce%3Af');
    expect(h).toContain('::a<b>&"c\'%0A%25d,e:f');
  });

  test('an unknown format is refused', () => {
    expect(() => formatReport(run, 'tap' as never)).toThrow('unknown report format `tap`');
  });
});
