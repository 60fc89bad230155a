import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, mandate, tempDir } from '../helpers.js';

const { dir, cleanup } = tempDir({
  ...FIXTURES,
  'request.json': JSON.stringify({
    principal: 'User::"alice"',
    action: { type: 'Action', id: 'read' },
    resource: 'File::"keys"',
    context: { reason: 'audit' },
  }),
  'broken.cedar': 'permit(principal, action, resource) when { principal. };\n',
  'twice-broken.cedar':
    'permit(principal, action, resource) when { 1 + };\npermit(principal, action, resource);\nforbid(principal, action resource);\n',
  'erroring.cedar': '@id("risky")\npermit(principal, action, resource) when { resource.missing == 1 };\n',
});
afterAll(cleanup);

const BASE = ['--policies', 'policies.cedar', '--entities', 'entities.json', '--schema', 'schema.cedarschema'];
const req = (principal: string, resource: string) => [
  '--principal',
  principal,
  '--action',
  'Action::"read"',
  '--resource',
  resource,
];
const authorize = (...args: string[]) => mandate(['authorize', ...args], { cwd: dir });

describe('mandate authorize', { timeout: 30_000 }, () => {
  it('exits 0 on allow and names the determining policy and where it is', async () => {
    const r = await authorize(...BASE, ...req('User::"alice"', 'File::"notes"'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ALLOW {2}User::"alice" Action::"read" File::"notes"/);
    expect(r.stdout).toContain('permit policy0 "read-own" (policies.cedar:2:1)');
    expect(r.stderr).toBe('');
  });

  it('exits 3 on deny by a forbid', async () => {
    const r = await authorize(...BASE, ...req('User::"alice"', 'File::"keys"'));
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('DENY');
    expect(r.stdout).toContain('forbid policy1 "no-secrets" (policies.cedar:5:1)');
  });

  it('exits 3 on a default deny and says so', async () => {
    const r = await authorize(...BASE, ...req('User::"bob"', 'File::"notes"'));
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('no policy applies');
  });

  it('prints the decision as JSON', async () => {
    const r = await authorize(...BASE, ...req('User::"alice"', 'File::"notes"'), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      decision: 'allow',
      reasons: ['policy0'],
      determining: [
        {
          id: 'policy0',
          annotationId: 'read-own',
          effect: 'permit',
          location: { file: 'policies.cedar', line: 2, column: 1 },
        },
      ],
      errors: [],
      request: { principal: 'User::"alice"', action: 'Action::"read"', resource: 'File::"notes"' },
    });
  });

  it('reads a request file (uids as Cedar text or JSON, with context)', async () => {
    const r = await authorize(...BASE, '--request', 'request.json', '--json');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ decision: 'deny', reasons: ['policy1'] });
  });

  it('takes a context as JSON', async () => {
    const r = await authorize(...BASE, ...req('User::"alice"', 'File::"notes"'), '--context', '{"reason":"x"}');
    expect(r.code).toBe(0);
  });

  it('exits 1 when the request does not match the schema (rejected, not denied)', async () => {
    const r = await authorize(...BASE, ...req('User::"alice"', 'File::"notes"'), '--context', '{"bogus":1}');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('request rejected');
    expect(r.stderr).toContain('`bogus`');
  });

  it('reports policies that errored, and still decides', async () => {
    const r = await authorize(
      '--policies',
      'erroring.cedar',
      '--entities',
      'entities.json',
      ...req('User::"alice"', 'File::"notes"'),
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('errors');
    expect(r.stdout).toContain('policy0 "risky" (erroring.cedar:1:1)');
  });

  it('exits 2 for a uid that is not Cedar syntax, with a hint', async () => {
    const r = await authorize(...BASE, '--principal', 'User::"alice"', '--action', 'read', '--resource', 'File::"x"');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('action `read` is not an entity uid');
    expect(r.stderr).toContain('Action::"read"');
  });

  it('exits 2 for a request given twice or not at all', async () => {
    const both = await authorize(...BASE, '--request', 'request.json', '--principal', 'User::"alice"');
    expect(both.code).toBe(2);
    const none = await authorize(...BASE);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('missing `--principal`, `--action`, `--resource`');
  });

  it('exits 1 with file:line:column for policies that do not parse', async () => {
    const r = await authorize('--policies', 'broken.cedar', ...req('User::"alice"', 'File::"notes"'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: broken\.cedar:1:\d+: /);
  });

  it('prints every policy that does not parse as an error line of its own', async () => {
    const r = await authorize('--policies', 'twice-broken.cedar', ...req('User::"alice"', 'File::"notes"'));
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: twice-broken\.cedar:1:48: failed to parse policy `policy0` /);
    expect(lines[1]).toMatch(/^error: twice-broken\.cedar:3:26: failed to parse policy `policy2` /);
  });

  it('exits 1 when the entities do not match the schema, naming the file and the entity', async () => {
    const { dir: d, cleanup: c } = tempDir({
      ...FIXTURES,
      'entities.json': JSON.stringify([{ uid: { type: 'File', id: 'f' }, attrs: { secret: 'yes' }, parents: [] }]),
    });
    try {
      const r = await mandate(['authorize', ...BASE, ...req('User::"alice"', 'File::"f"')], { cwd: d });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: entities\.json/);
      expect(r.stderr).toContain('File::"f"');
    } finally {
      c();
    }
  });
});
