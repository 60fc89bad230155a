import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBundle } from '@mandate/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, mandate, type ProcessResult, tempDir } from '../helpers.js';

const { dir, cleanup } = tempDir({
  ...FIXTURES,
  // A directory of policies: read recursively in path order, as `validate` and `authorize` do.
  'policies/a.cedar': FIXTURES['policies.cedar'],
  'policies/more/b.cedar':
    '@id("audit")\npermit(principal, action, resource) when { context has reason && context.reason == "audit" };\n',
  'invalid.cedar': `permit(principal, action, resource);
// the next policy names an attribute File does not have
permit(principal, action == Action::"read", resource) when { resource.nope };
`,
  'broken.cedar': 'permit(principal, action, resource);\n\npermit(principal, action, resource) when { 1 + };\n',
  'impossible.cedar': 'permit(principal, action, resource) when { false };\n',
});
afterAll(cleanup);

const run = (...args: string[]) => mandate(args, { cwd: dir });
/** `mandate bundle` of `policies` with the fixture's schema into `out`, with `more` options. */
const bundle = (policies: string, out: string, ...more: string[]) =>
  run('bundle', '--policies', policies, '--schema', 'schema.cedarschema', '--out', out, ...more);
const DIGEST = /^digest: (sha256:[0-9a-f]{64})$/m;

describe('mandate bundle', { timeout: 30_000 }, () => {
  it('bundles a policy directory with a schema and prints the digest readBundle finds', async () => {
    const r = await bundle('policies', 'dir.bundle.json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^wrote dir\.bundle\.json: 3 policies, 0 templates, with schema$/m);
    const printed = DIGEST.exec(r.stdout)?.[1];
    const file = join(dir, 'dir.bundle.json');
    expect(existsSync(file)).toBe(true);
    const loaded = readBundle(readFileSync(file, 'utf8'));
    expect(printed).toBe(loaded.digest);
    expect(loaded.policySet.policies.map((p) => p.id)).toEqual(['policy0', 'policy1', 'policy2']);
    expect(loaded.schema).toBeDefined();
    // Written through a temporary file that was renamed: nothing else is left behind.
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('prints the result as JSON with --json', async () => {
    const r = await bundle('policies', 'j.json', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toEqual({
      bundle: 'j.json',
      digest: readBundle(readFileSync(join(dir, 'j.json'), 'utf8')).digest,
      policies: 3,
      templates: 0,
      links: 0,
      schema: true,
      warnings: [],
    });
  });

  it('writes no bundle for policies that do not validate, with validate’s file:line:column (exit 1)', async () => {
    const r = await bundle('invalid.cedar', 'bad.json');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: invalid\.cedar:3:62: \[policy1\] .*attribute `nope`/);
    expect(existsSync(join(dir, 'bad.json'))).toBe(false);
    // The same place `mandate validate` reports.
    const v = await run('validate', '--policies', 'invalid.cedar', '--schema', 'schema.cedarschema');
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/^invalid\.cedar:3:62: error: \[policy1\] .*attribute `nope`/m);
  });

  it('writes no bundle for policies that do not parse, and leaves an existing bundle as it was', async () => {
    writeFileSync(join(dir, 'kept.json'), 'previous bundle');
    const r = await bundle('broken.cedar', 'kept.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: broken\.cedar:3:\d+: failed to parse policy `policy1`/);
    expect(readFileSync(join(dir, 'kept.json'), 'utf8')).toBe('previous bundle');
  });

  it('replaces an existing bundle by rename (a new file, as a watcher expects)', async () => {
    const out = join(dir, 'replaced.json');
    writeFileSync(out, 'old');
    const before = statSync(out).ino;
    const r = await bundle('policies.cedar', 'replaced.json');
    expect(r.code).toBe(0);
    expect(statSync(out).ino).not.toBe(before);
    expect(readBundle(readFileSync(out, 'utf8')).digest).toBe(DIGEST.exec(r.stdout)?.[1]);
  });

  it('bundles without a schema', async () => {
    const r = await run('bundle', '--policies', 'policies.cedar', '--out', 'policies/nos.json', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ bundle: 'policies/nos.json', policies: 2, schema: false });
    expect(readBundle(readFileSync(join(dir, 'policies/nos.json'), 'utf8')).schema).toBeUndefined();
  });

  it('says why the bundle cannot be written (exit 1)', async () => {
    const missingDir = await run('bundle', '--policies', 'policies.cedar', '--out', 'no/such/dir.json');
    expect(missingDir.code).toBe(1);
    expect(missingDir.stderr).toBe('error: cannot write bundle `no/such/dir.json`: no such directory\n');
    const isDir = await run('bundle', '--policies', 'policies.cedar', '--out', 'policies');
    expect(isDir.code).toBe(1);
    expect(isDir.stderr).toBe('error: cannot write bundle `policies`: it is a directory\n');
    expect(readdirSync(join(dir, 'policies')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('prints validation warnings on stderr and still writes the bundle', async () => {
    const r = await bundle('impossible.cedar', 'w.json');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: impossible\.cedar:1:1: \[policy0\] .*impossible/m);
    expect(existsSync(join(dir, 'w.json'))).toBe(true);
  });

  it('uses @id annotations as policy ids with --id-annotation', async () => {
    const r = await run('bundle', '--policies', 'policies.cedar', '--out', 'ids.json', '--id-annotation');
    expect(r.code).toBe(0);
    const loaded = readBundle(readFileSync(join(dir, 'ids.json'), 'utf8'));
    expect(loaded.policySet.policies.map((p) => p.id)).toEqual(['read-own', 'no-secrets']);
  });

  it('exits 2 without --out or --policies', async () => {
    const noOut = await run('bundle', '--policies', 'policies.cedar');
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('--out');
    const noPolicies = await run('bundle', '--out', 'x.json');
    expect(noPolicies.code).toBe(2);
    expect(noPolicies.stderr).toContain('--policies');
  });

  it('says which file cannot be read', async () => {
    const r = await run('bundle', '--policies', 'missing.cedar', '--out', 'm.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing.cedar');
    expect(existsSync(join(dir, 'm.json'))).toBe(false);
  });
});

/** Human output without the `(file:line:column)` of each policy: a bundle holds no Cedar text. */
const unlocated = (s: string) => s.replace(/ \([^()\s]+:\d+:\d+\)/g, '');
/** `--json` output without `location`. */
const withoutLocations = (s: string): unknown =>
  JSON.parse(s, (k, v) => (k === 'location' ? undefined : (v as unknown)));

describe('authorize and explain --bundle', { timeout: 60_000 }, () => {
  let bundled: ProcessResult;
  beforeAll(async () => {
    bundled = await bundle('policies.cedar', 'p.json');
  });
  const REQUESTS: Record<string, string[]> = {
    allow: ['--principal', 'User::"alice"', '--action', 'Action::"read"', '--resource', 'File::"notes"'],
    'deny by a forbid': ['--principal', 'User::"alice"', '--action', 'Action::"read"', '--resource', 'File::"keys"'],
    'default deny': ['--principal', 'User::"bob"', '--action', 'Action::"read"', '--resource', 'File::"notes"'],
    'rejected by the schema': [
      '--principal',
      'User::"alice"',
      '--action',
      'Action::"read"',
      '--resource',
      'File::"notes"',
      '--context',
      '{"bogus":1}',
    ],
  };

  it.each(Object.entries(REQUESTS))('decides as --policies --schema does: %s', async (_name, req) => {
    expect(bundled.code).toBe(0);
    const FILES = ['--policies', 'policies.cedar', '--schema', 'schema.cedarschema', '--entities', 'entities.json'];
    const BUNDLE = ['--bundle', 'p.json', '--entities', 'entities.json'];
    const [files, bundle, filesJson, bundleJson] = await Promise.all([
      run('authorize', ...FILES, ...req),
      run('authorize', ...BUNDLE, ...req),
      run('authorize', ...FILES, ...req, '--json'),
      run('authorize', ...BUNDLE, ...req, '--json'),
    ]);
    expect(bundle.code).toBe(files.code);
    expect(bundle.stdout).toBe(unlocated(files.stdout));
    expect(bundle.stderr).toBe(files.stderr);
    expect(bundleJson.code).toBe(files.code);
    expect(JSON.parse(bundleJson.stdout)).toEqual(withoutLocations(filesJson.stdout));
  });

  it('explains from a bundle with the same decision as from the files', async () => {
    expect(bundled.code).toBe(0);
    const req = REQUESTS['deny by a forbid'] as string[];
    const [files, bundle] = await Promise.all([
      run(
        'explain',
        '--policies',
        'policies.cedar',
        '--schema',
        'schema.cedarschema',
        '--entities',
        'entities.json',
        ...req,
        '--json',
      ),
      run('explain', '--bundle', 'p.json', '--entities', 'entities.json', ...req, '--json'),
    ]);
    expect(bundle.code).toBe(3);
    expect(files.code).toBe(3);
    const pick = (s: string) => {
      const e = JSON.parse(s) as { decision: string; determining: { id: string }[] };
      return { decision: e.decision, determining: e.determining.map((p) => p.id) };
    };
    expect(pick(bundle.stdout)).toEqual(pick(files.stdout));
  });

  it('refuses a tampered bundle, naming the file (exit 1)', async () => {
    expect(bundled.code).toBe(0);
    const text = readFileSync(join(dir, 'p.json'), 'utf8');
    // Relax the forbid: `resource.secret` becomes an attribute no file has.
    writeFileSync(join(dir, 'tampered.json'), text.replace('"secret"', '"public"'));
    const r = await run('authorize', '--bundle', 'tampered.json', ...(REQUESTS['deny by a forbid'] as string[]));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: tampered\.json: bundle digest mismatch/);
    expect(r.stderr).toContain('mandate bundle');
  });

  it('refuses a file that is not a bundle, and a missing one (exit 1)', async () => {
    const req = REQUESTS.allow as string[];
    const notBundle = await run('authorize', '--bundle', 'policies.cedar', ...req);
    expect(notBundle.code).toBe(1);
    expect(notBundle.stderr).toMatch(/^error: policies\.cedar: not a policy bundle/);
    const missing = await run('explain', '--bundle', 'nope.json', ...req);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read bundle `nope.json`: no such file');
  });

  it('exits 2 for --policies with --bundle, --schema with --bundle, or neither', async () => {
    expect(bundled.code).toBe(0);
    const req = REQUESTS.allow as string[];
    for (const cmd of ['authorize', 'explain']) {
      const both = await run(cmd, '--policies', 'policies.cedar', '--bundle', 'p.json', ...req);
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('give either `--policies` or `--bundle`, not both');
      const schema = await run(cmd, '--bundle', 'p.json', '--schema', 'schema.cedarschema', ...req);
      expect(schema.code).toBe(2);
      expect(schema.stderr).toContain('`--schema` cannot be used with `--bundle`');
      const neither = await run(cmd, ...req);
      expect(neither.code).toBe(2);
      expect(neither.stderr).toContain('missing `--policies <path>` (or give `--bundle <file>`');
    }
  });
});
