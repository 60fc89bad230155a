import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, mandate, tempDir } from '../helpers.js';

const { dir, cleanup } = tempDir({
  ...FIXTURES,
  'invalid.cedar': `permit(principal, action, resource);
// the next policy names an attribute File does not have
permit(principal, action == Action::"read", resource) when { resource.nope };
`,
  'broken.cedar': `permit(principal, action, resource);

permit(principal, action == Action::"read", resource) when { 1 + };
`,
  'twice-broken.cedar': `permit(principal, action, resource) when { 1 + };
permit(principal, action, resource);

  forbid(principal, action, resource) when { principal. };
`,
  'split/a.cedar': '// first file\npermit(principal, action, resource) when { 1 + };\n',
  'split/b.cedar': 'permit(principal, action, resource);\nforbid(principal, action resource);\n',
  'impossible.cedar': 'permit(principal, action, resource) when { false };\n',
  'dir/a.cedar': 'permit(principal, action, resource);\n',
  'dir/b.cedar': '// second file\n\nforbid(principal, action, resource) when { resource.nope };\n',
  'bad.cedarschema': 'entity User;\nentity File { owner: User secret: Bool };\n',
});
afterAll(cleanup);

const validate = (...args: string[]) => mandate(['validate', ...args], { cwd: dir });

describe('mandate validate', { timeout: 30_000 }, () => {
  it('exits 0 for valid policies', async () => {
    const r = await validate('--policies', 'policies.cedar', '--schema', 'schema.cedarschema');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid: 2 policies');
  });

  it('reports a validation error at the expression Cedar names, as file:line:column', async () => {
    const r = await validate('--policies', 'invalid.cedar', '--schema', 'schema.cedarschema');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^invalid\.cedar:3:62: error: \[policy1\] .*attribute `nope`/m);
    expect(r.stdout).toContain('invalid: 1 error');
  });

  it('reports a parse error where Cedar stopped', async () => {
    const r = await validate('--policies', 'broken.cedar', '--schema', 'schema.cedarschema');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^broken\.cedar:3:66: error: .*unexpected token `}`/m);
  });

  it('reports every policy that does not parse, each at file:line:column', async () => {
    const r = await validate('--policies', 'twice-broken.cedar', '--schema', 'schema.cedarschema');
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^twice-broken\.cedar:1:48: error: failed to parse policy `policy0` .*unexpected token `}`/,
    );
    expect(lines[1]).toMatch(
      /^twice-broken\.cedar:4:57: error: failed to parse policy `policy2` .*unexpected token `}`/,
    );
    expect(lines[2]).toBe('invalid: 2 errors, 0 warnings');
  });

  it('maps each parse error of a directory back to its own file', async () => {
    const r = await validate('--policies', 'split', '--schema', 'schema.cedarschema');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^split\/a\.cedar:2:48: error: failed to parse policy `policy0`/m);
    expect(r.stdout).toMatch(/^split\/b\.cedar:2:26: error: failed to parse policy `policy2`/m);
    // The line and column inside the message are the file's too, not the joined text's.
    expect(r.stdout).toContain('`policy2` at line 2, column 26:');
    expect(r.stdout).toContain('invalid: 2 errors');
  });

  it('lists every parse error in --json', async () => {
    const r = await validate('--policies', 'split', '--schema', 'schema.cedarschema', '--json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({
      valid: false,
      policies: 3,
      errors: [
        { severity: 'error', file: 'split/a.cedar', line: 2, column: 48 },
        { severity: 'error', file: 'split/b.cedar', line: 2, column: 26 },
      ],
      warnings: [],
    });
    expect(json.errors).toHaveLength(2);
    expect(json.errors[1].message).toMatch(/^failed to parse policy `policy2`/);
  });

  it('locates errors in the right file of a directory', async () => {
    const r = await validate('--policies', 'dir', '--schema', 'schema.cedarschema');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^dir\/b\.cedar:3:44: error: \[policy1\]/m);
  });

  it('reports schema errors with the schema file location', async () => {
    const r = await validate('--policies', 'policies.cedar', '--schema', 'bad.cedarschema');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^bad\.cedarschema:2:27: error: .*`secret`/m);
  });

  it('passes warnings unless --deny-warnings', async () => {
    const lax = await validate('--policies', 'impossible.cedar', '--schema', 'schema.cedarschema');
    expect(lax.code).toBe(0);
    expect(lax.stdout).toMatch(/^impossible\.cedar:1:1: warning: \[policy0\] .*impossible/m);
    const strict = await validate(
      '--policies',
      'impossible.cedar',
      '--schema',
      'schema.cedarschema',
      '--deny-warnings',
    );
    expect(strict.code).toBe(1);
  });

  it('prints a JSON result with --json', async () => {
    const r = await validate('--policies', 'invalid.cedar', '--schema', 'schema.cedarschema', '--json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({
      valid: false,
      policies: 2,
      errors: [{ severity: 'error', policyId: 'policy1', file: 'invalid.cedar', line: 3, column: 62 }],
      warnings: [],
    });
  });

  it('says which file cannot be read', async () => {
    const r = await validate('--policies', 'missing.cedar', '--schema', 'schema.cedarschema');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing.cedar');
    expect(r.stderr).toContain('no such file');
  });
});
