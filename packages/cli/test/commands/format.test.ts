import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mandate, tempDir } from '../helpers.js';

const UGLY = '// keep me\npermit(principal,action==Action::"read",resource) when {resource.public};\n';
const PRETTY =
  '// keep me\npermit (\n  principal,\n  action == Action::"read",\n  resource\n)\nwhen { resource.public };\n';

const { dir, cleanup } = tempDir({
  'ugly.cedar': UGLY,
  'pretty.cedar': PRETTY,
  'broken.cedar': 'permit(principal, action\n',
  'rewrite/one.cedar': UGLY,
});
afterAll(cleanup);

const format = (...args: string[]) => mandate(['format', ...args], { cwd: dir });

describe('mandate format', { timeout: 30_000 }, () => {
  it("prints Cedar's formatting to stdout", async () => {
    const r = await format('ugly.cedar');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(PRETTY);
  });

  it('--check lists unformatted files and exits 1', async () => {
    const r = await format('--check', 'ugly.cedar', 'pretty.cedar');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('ugly.cedar\n');
    expect(r.stderr).toContain('1 file not formatted');
  });

  it('--check exits 0 when everything is formatted', async () => {
    const r = await format('--check', 'pretty.cedar');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('--write rewrites files in place (a directory is expanded)', async () => {
    const r = await format('--write', 'rewrite');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('formatted rewrite/one.cedar');
    expect(readFileSync(join(dir, 'rewrite/one.cedar'), 'utf8')).toBe(PRETTY);
    const again = await format('--check', 'rewrite');
    expect(again.code).toBe(0);
  });

  it('reports a file that does not parse at file:line:column and leaves it alone', async () => {
    const r = await format('--write', 'broken.cedar');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.cedar:1:25: .*unexpected end of input/);
    expect(readFileSync(join(dir, 'broken.cedar'), 'utf8')).toBe('permit(principal, action\n');
  });

  it('--json gives per-file status', async () => {
    const r = await format('--check', '--json', 'ugly.cedar', 'pretty.cedar');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      files: [
        { file: 'ugly.cedar', status: 'changed' },
        { file: 'pretty.cedar', status: 'unchanged' },
      ],
    });
  });

  it('refuses --check with --write (usage, exit 2)', async () => {
    const r = await format('--check', '--write', 'ugly.cedar');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not both');
  });
});
