/**
 * @module run.test
 * `runTestFiles` over the fixtures: `cedar run-tests` files and the YAML form with a session
 * decide as expected, failures say what was expected and what came (with the explanation),
 * where policies and entities come from, coverage counts, the threshold, and bad files
 * becoming errored cases rather than rejections.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTestFiles } from '@mandate/testing';
import { describe, expect, test } from 'vitest';

const fixtures = join(import.meta.dirname, 'fixtures');
const at = (f: string) => join(fixtures, f);

describe('runTestFiles', () => {
  test('cedar run-tests files take their policies from the options', async () => {
    const r = await runTestFiles([at('cedar-format.json')], { policies: at('agent.cedar') });
    expect(r.cases.map((c) => [c.name, c.status])).toEqual([
      ['coder reads own notes', 'passed'],
      ['#2', 'passed'],
    ]);
    expect(r).toMatchObject({ passed: 2, failed: 0, thresholdMet: true });
    expect(r.cases[0]?.actual).toEqual({ decision: 'allow', reasons: ['policy0'], errors: [] });
  });

  test('the YAML form: its own policies, schema, entities, a session whose context and entities evolve', async () => {
    const r = await runTestFiles([at('agent.test.yaml')]);
    const byName = new Map(r.cases.map((c) => [c.session ? `${c.session}/${c.step}` : c.name, c]));
    expect(byName.get('coder reads own notes')?.status).toBe('passed');
    expect(byName.get('blocked host')?.status).toBe('passed');
    expect(byName.get('lethal trifecta/0')?.status).toBe('passed');
    expect(byName.get('lethal trifecta/1')?.status).toBe('passed');
    expect(byName.get('lethal trifecta/2')).toMatchObject({ status: 'passed', actual: { reasons: ['no-exfil'] } });
    const wrong = byName.get('wrong on purpose');
    expect(wrong).toMatchObject({ status: 'failed', messages: ['expected allow, got deny'], line: 22 });
    expect(wrong?.explanation?.policies[0]).toMatchObject({ id: 'read-own', outcome: 'unsatisfied' });
    expect(r).toMatchObject({ passed: 5, failed: 1 });
  });

  test('failure messages are Cedar run-tests ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mandate-testing-'));
    writeFileSync(
      join(dir, 't.yaml'),
      `policies: ${JSON.stringify(at('agent.cedar'))}
entities: ${JSON.stringify(at('entities.json'))}
tests:
  - name: missing reason
    request: { principal: Agent::"coder", action: Action::"file.read", resource: File::"notes" }
    decision: allow
    reason: [policy9]
  - name: error count
    request: { principal: Agent::"coder", action: Action::"http.request", resource: Host::"example.com" }
    decision: allow
    num_errors: 0
    errors: [policy2]
  - name: bad uid
    request: { principal: coder, action: Action::"file.read", resource: File::"notes" }
    decision: deny
`,
    );
    const r = await runTestFiles([join(dir, 't.yaml')]);
    expect(r.cases.map((c) => [c.status, c.messages])).toEqual([
      ['failed', ['missing reason(s): `policy9`']],
      [
        'failed',
        [
          'expected 0 error(s), but got 1 runtime error(s): policy1: record does not have the attribute `labels`',
          'expected errors from [`policy2`], got [`policy1`]',
        ],
      ],
      ['error', ['failed to parse principal `coder`: expected an entity uid such as `User::"alice"`']],
    ]);
    expect(r.failed).toBe(3);
  });

  test('coverageOf: a policy file no test loads counts as never exercised; a tested one is counted once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mandate-coverage-of-'));
    const untested = join(dir, 'untested.cedar');
    writeFileSync(untested, '@id("lonely")\npermit(principal, action, resource) when { context has x };\n');
    const base = await runTestFiles([at('cedar-format.json')], { policies: at('agent.cedar') });
    const both = await runTestFiles([at('cedar-format.json')], {
      policies: at('agent.cedar'),
      coverageOf: [at('agent.cedar'), untested],
    });
    // agent.cedar is counted once; the untested file adds its policy and its condition, unmet.
    expect(both.coverage.policies).toHaveLength(base.coverage.policies.length + 1);
    expect(both.coverage.goals).toBeGreaterThan(base.coverage.goals);
    expect(both.coverage.met).toBe(base.coverage.met);
    expect(both.coverage.percent).toBeLessThan(base.coverage.percent);
    expect(both.cases).toHaveLength(base.cases.length);
    const missing = await runTestFiles([at('cedar-format.json')], {
      policies: at('agent.cedar'),
      coverageOf: [join(dir, 'nope.cedar')],
    });
    expect(missing.cases.at(-1)).toMatchObject({ name: '(policies for coverage)', status: 'error' });
  });

  test('coverage: every policy listed, predicates seen true and false, threshold', async () => {
    const r = await runTestFiles([at('cedar-format.json')], { policies: at('agent.cedar'), coverageThreshold: 50 });
    const [readOwn, noExfil, http] = r.coverage.policies;
    expect(readOwn).toMatchObject({
      id: 'policy0',
      line: 2,
      file: at('agent.cedar'),
      matched: 2,
      satisfied: 1,
      fired: true,
    });
    expect(readOwn?.predicates.map((p) => [p.text, p.true, p.false])).toEqual([
      ['resource.owner == principal.owner && principal.risk < 50', 1, 1],
      ['resource.owner == principal.owner', 2, 0],
      ['principal.risk < 50', 1, 1],
    ]);
    expect(noExfil).toMatchObject({ fired: false, matched: 0 });
    expect(http?.predicates[0]).toMatchObject({ clause: 'unless', text: 'resource.blocked', true: 0, false: 0 });
    // goals: read-own 1 + 3×2 (6 of 7 met), no-exfil 1 + 3×2, http 1 + 1×2 → 6 of 17
    expect(r.coverage).toMatchObject({ goals: 17, met: 6 });
    expect(r.thresholdMet).toBe(false);
    expect(r.coverageThreshold).toBe(50);
  });

  test('a file that cannot be read or loaded is one errored case, not a rejection', async () => {
    const r = await runTestFiles([at('nope.json'), at('cedar-format.json')]);
    expect(r.cases.map((c) => [c.file, c.status])).toEqual([
      [at('nope.json'), 'error'],
      [at('cedar-format.json'), 'error'],
    ]);
    expect(r.cases[0]?.messages[0]).toMatch(/^cannot read test file `.*nope\.json`/);
    expect(r.cases[1]?.messages[0]).toMatch(/^no policies for `.*cedar-format\.json`/);
    expect(r.failed).toBe(2);
  });
});
