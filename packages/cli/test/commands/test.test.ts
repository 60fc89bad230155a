import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, mandate, tempDir } from '../helpers.js';

const PASSING = `tests:
  - name: alice reads her notes
    request: { principal: User::"alice", action: Action::"read", resource: File::"notes" }
    decision: allow
  - name: secrets stay secret
    request: { principal: User::"alice", action: Action::"read", resource: File::"keys" }
    decision: deny
`;
const FAILING = `tests:
  - name: bob reads alice's notes
    request: { principal: User::"bob", action: Action::"read", resource: File::"notes" }
    decision: allow
`;

const { dir, cleanup } = tempDir({
  ...FIXTURES,
  'tests/files.test.yaml': PASSING,
  'tests/notes.md': 'not a test file',
  'failing/wrong.test.yaml': FAILING,
  'empty/README.md': 'no tests here',
  'more/untested.cedar': '@id("untested")\npermit(principal, action, resource) when { context has x };\n',
});
afterAll(cleanup);

const POLICY = ['--policies', 'policies.cedar', '--schema', 'schema.cedarschema', '--entities', 'entities.json'];
const test = (...args: string[]) => mandate(['test', ...args], { cwd: dir });

describe('mandate test', { timeout: 30_000 }, () => {
  it('runs test files found in a directory and exits 0 when they pass', async () => {
    const r = await test('tests', ...POLICY);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 passed, 0 failed');
  });

  it('exits 1 when a case fails', async () => {
    const r = await test('failing/wrong.test.yaml', ...POLICY);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("bob reads alice's notes");
    expect(r.stdout).toContain('0 passed, 1 failed');
  });

  it('exits 1 when coverage is below the threshold', async () => {
    const r = await test('tests', ...POLICY, '--coverage-threshold', '100', '--reporter', 'json');
    const json = JSON.parse(r.stdout);
    // All cases pass, but nothing tests a request by someone who does not own the file.
    expect(json).toMatchObject({ passed: 2, failed: 0, thresholdMet: false });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('below the threshold of 100%');
    const low = await test('tests', ...POLICY, '--coverage-threshold', '0');
    expect(low.code).toBe(0);
  });

  it('counts policy files no test loads with --coverage-of', async () => {
    const base = JSON.parse((await test('tests', ...POLICY, '--reporter', 'json')).stdout);
    const r = await test('tests', ...POLICY, '--coverage-of', 'policies.cedar', 'more', '--reporter', 'json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.coverage.policies).toHaveLength(base.coverage.policies.length + 1);
    expect(json.coverage.percent).toBeLessThan(base.coverage.percent);
  });

  it('writes a JUnit report to --output and a summary line to stdout', async () => {
    const r = await test('tests', 'failing', ...POLICY, '--reporter', 'junit', '--output', 'junit.xml');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('2 passed, 1 failed\n');
    const xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(xml).toContain('<testsuite');
    expect(xml).not.toContain('\u001b[');
  });

  it('reports a test file that does not exist as a failure (exit 1)', async () => {
    const r = await test('missing.test.yaml', ...POLICY);
    expect(r.code).toBe(1);
  });

  it('exits 2 for an unknown reporter', async () => {
    const r = await test('tests', '--reporter', 'tap');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown reporter `tap`');
  });

  it('exits 2 for a coverage threshold that is not a percentage', async () => {
    const r = await test('tests', '--coverage-threshold', '120');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('coverage threshold `120`');
  });

  it('exits 2 without test files', async () => {
    expect((await test()).code).toBe(2);
    const r = await test('empty');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no test files');
  });
});
