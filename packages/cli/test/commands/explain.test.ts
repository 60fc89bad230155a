import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, mandate, tempDir } from '../helpers.js';

const { dir, cleanup } = tempDir(FIXTURES);
afterAll(cleanup);

const explain = (resource: string, ...extra: string[]) =>
  mandate(
    [
      'explain',
      '--policies',
      'policies.cedar',
      '--entities',
      'entities.json',
      '--principal',
      'User::"alice"',
      '--action',
      'Action::"read"',
      '--resource',
      resource,
      ...extra,
    ],
    { cwd: dir },
  );

describe('mandate explain', { timeout: 30_000 }, () => {
  it('explains an allow (exit 0): each policy and its conditions', async () => {
    const r = await explain('File::"notes"');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ALLOW');
    expect(r.stdout).toContain('resource.owner == principal');
    expect(r.stdout).toContain('resource.secret');
    expect(r.stdout).toContain('policy0 "read-own" (policies.cedar:2:1)');
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('explains a deny (exit 3)', async () => {
    const r = await explain('File::"keys"');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('DENY');
  });

  it('prints the Explanation object with --json', async () => {
    const r = await explain('File::"keys"', '--json');
    expect(r.code).toBe(3);
    const json = JSON.parse(r.stdout);
    expect(json.decision).toBe('deny');
    expect(json.reasons).toEqual(['policy1']);
    expect(json.policies).toHaveLength(2);
  });
});
