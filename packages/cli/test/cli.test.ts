import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, mandate, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir(FIXTURES);
afterAll(cleanup);

const ALICE_NOTES = ['--principal', 'User::"alice"', '--action', 'Action::"read"', '--resource', 'File::"notes"'];

describe('mandate (process)', { timeout: 30_000 }, () => {
  it('prints its version', async () => {
    const r = await mandate(['--version'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('lists every command and the exit codes in --help', async () => {
    const r = await mandate(['--help'], { cwd: dir });
    expect(r.code).toBe(0);
    for (const c of ['validate', 'format', 'bundle', 'authorize', 'explain', 'test', 'impact'])
      expect(r.stdout).toContain(c);
    expect(r.stdout).toContain('Exit codes:');
    expect(r.stdout).toMatch(/3 {2}deny/);
  });

  it.each(['validate', 'format', 'bundle', 'authorize', 'explain', 'test', 'impact'])(
    'has --help for %s',
    async (cmd) => {
      const r = await mandate([cmd, '--help'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`mandate ${cmd}`);
      expect(r.stdout).toContain('Exit codes:');
      expect(r.stderr).toBe('');
    },
  );

  it('exits 2 on an unknown command or option, with the error on stderr', async () => {
    const a = await mandate(['frobnicate'], { cwd: dir });
    expect(a.code).toBe(2);
    expect(a.stdout).toBe('');
    expect(a.stderr).toContain("unknown command 'frobnicate'");
    const b = await mandate(['validate', '--policies', 'policies.cedar', '--schema', 'schema.cedarschema', '--nope'], {
      cwd: dir,
    });
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("unknown option '--nope'");
  });

  it('exits 2 when a required option is missing', async () => {
    const r = await mandate(['validate', '--policies', 'policies.cedar'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--schema');
  });

  it('exits 2 when no command is given', async () => {
    const r = await mandate([], { cwd: dir });
    expect(r.code).toBe(2);
  });

  it('writes no colour to a pipe, and colour with FORCE_COLOR', async () => {
    const args = ['authorize', '--policies', 'policies.cedar', '--entities', 'entities.json', ...ALICE_NOTES];
    const plain = await mandate(args, { cwd: dir });
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain('\u001b[');
    const forced = await mandate(args, { cwd: dir, env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain('\u001b[');
    const off = await mandate(['--no-color', ...args], { cwd: dir, env: { FORCE_COLOR: '1' } });
    expect(off.stdout).not.toContain('\u001b[');
  });

  it('prints core errors as what and where, never a stack trace', async () => {
    const { dir: d, cleanup: c } = tempDir({
      ...FIXTURES,
      'bad.json': '[{"uid":{"type":"User","id":"x"},"attrs":{},"parents":[{"type":"User","id":"x"}]}]',
    });
    try {
      const r = await mandate(['authorize', '--policies', 'policies.cedar', '--entities', 'bad.json', ...ALICE_NOTES], {
        cwd: d,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: bad\.json/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      c();
    }
  });
});
