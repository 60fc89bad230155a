/**
 * @module baseline-policies.test
 * The baseline policy library (`policies/baseline/`) against its policy test files
 * (`policies/tests/`), the way `mandate test policies/tests/` runs them: every case passes and
 * coverage stays above the bar. Alongside, the library's own rules: each file validates
 * strictly against the agent schema, every policy has an `@id` and a `@reason`, ids are
 * unique, only forbids are `@approvable`, every file has a test file, and policies/README.md
 * has a row for every policy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Authorizer, validatePolicies } from '@mandate/core';
import { formatReport, runTestFiles } from '@mandate/testing';
import { describe, expect, test } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const baselineDir = join(root, 'policies', 'baseline');
const testsDir = join(root, 'policies', 'tests');
const schema = readFileSync(join(root, 'policies', 'schema', 'mandate.cedarschema'), 'utf8');
const baselineFiles = readdirSync(baselineDir)
  .filter((f) => f.endsWith('.cedar'))
  .sort();
const testFiles = readdirSync(testsDir)
  .filter((f) => /\.test\.(ya?ml|json)$/.test(f))
  .sort()
  .map((f) => join(testsDir, f));

/** The bar CI holds the library to; the suite reaches 100% today. */
const COVERAGE_THRESHOLD = 95;

describe('baseline policy library', () => {
  test('every policy test file passes, with coverage above the threshold', async () => {
    const result = await runTestFiles(testFiles, { coverageThreshold: COVERAGE_THRESHOLD });
    const report = formatReport(result, 'human', { color: false });
    expect(result.failed, report).toBe(0);
    expect(result.cases.filter((c) => c.status !== 'passed').map((c) => `${c.file}: ${c.name}`)).toEqual([]);
    expect(result.passed).toBeGreaterThan(100);
    expect(result.thresholdMet, report).toBe(true);
    expect(result.coverage.percent).toBeGreaterThanOrEqual(COVERAGE_THRESHOLD);
    // Every policy of the library fires in some case: none is dead text.
    const silent = result.coverage.policies.filter((p) => !p.fired).map((p) => p.id);
    expect(silent).toEqual([]);
  });

  test.each(baselineFiles)('%s validates strictly against the agent schema', (file) => {
    const res = validatePolicies(readFileSync(join(baselineDir, file), 'utf8'), schema);
    expect(res.errors).toEqual([]);
    expect(res.warnings).toEqual([]);
  });

  test('every policy is annotated, ids are unique, only forbids are approvable', () => {
    const ids: string[] = [];
    for (const file of baselineFiles) {
      const authz = new Authorizer({
        policies: readFileSync(join(baselineDir, file), 'utf8'),
        schema,
        idAnnotation: true,
      });
      for (const ir of authz.policySet.staticIR) {
        const a = ir.annotations;
        expect(a.id, `a policy in ${file} has no @id`).toBeTruthy();
        expect(a.reason, `${a.id} has no @reason`).toBeTruthy();
        if (Object.hasOwn(a, 'approvable')) expect(ir.effect, `${a.id} is approvable`).toBe('forbid');
        ids.push(a.id as string);
      }
    }
    expect(ids.length).toBeGreaterThan(25);
    expect(new Set(ids).size).toBe(ids.length);
    // Loaded together (as a deployment does), the library still validates.
    const all = baselineFiles.map((f) => readFileSync(join(baselineDir, f), 'utf8')).join('\n');
    expect(validatePolicies(all, schema).errors).toEqual([]);

    const readme = readFileSync(join(root, 'policies', 'README.md'), 'utf8');
    const undocumented = ids.filter((id) => !readme.includes(`| \`${id}\``));
    expect(undocumented).toEqual([]);
  });

  test('every policy file has a test file that names it', () => {
    const named = new Set(
      testFiles.flatMap((f) => {
        const m = /^policies:\s*(\S+)/m.exec(readFileSync(f, 'utf8'));
        return m === null ? [] : [m[1]?.replace(/^\.\.\/baseline\//, '')];
      }),
    );
    expect(baselineFiles.filter((f) => !named.has(f))).toEqual([]);
  });
});
