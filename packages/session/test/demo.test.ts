/**
 * @module demo.test
 * The README's demo (`examples/demo/main.ts`) run as `pnpm demo` runs it: a separate process,
 * plain when piped and as JSON with `--json`. It must exit 0, show each attack stopped by the
 * policy that stopped it, and end with the summary.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

function runDemo(args: string[], env: Record<string, string> = {}) {
  const base = { ...process.env };
  delete base.FORCE_COLOR;
  delete base.NO_COLOR;
  return spawnSync(
    process.execPath,
    ['--conditions=mandate-source', '--import', 'tsx', 'examples/demo/main.ts', ...args],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...base, ...env },
      timeout: 120_000,
    },
  );
}

test('plain output when piped: every step, its decider, taint and the summary', () => {
  const r = runDemo([]);
  expect(r.stderr).toBe('');
  expect(r.status, r.stdout).toBe(0);
  expect(r.stdout).not.toContain('\x1b[');
  for (const line of [
    '✖ DENY    by shell-no-network-tools, shell-no-pipe-to-shell',
    '✖ DENY    by secrets-no-dotenv',
    '✖ DENY    by mandate:intent-host',
    '✖ DENY    by no permit for User alice',
    '⏸ NEEDS APPROVAL  by writes-no-autostart',
    'approved by alice@example.com',
    'taint     private-data, untrusted-content',
    'Summary',
  ])
    expect(r.stdout).toContain(line);
  expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('attacks blocked: 4/4, benign allowed: 7/7');
}, 120_000);

test('FORCE_COLOR colours it even when piped', () => {
  const r = runDemo([], { FORCE_COLOR: '1' });
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('\x1b[31m✖ DENY\x1b[0m');
}, 120_000);

test('--json: one document with every step and the summary', () => {
  const r = runDemo(['--json'], { FORCE_COLOR: '1' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).not.toContain('\x1b[');
  const doc = JSON.parse(r.stdout) as {
    scenario: string;
    steps: { actor: string; tool: string; final: string; decidedBy: string[]; labels: string[]; ok: boolean }[];
    summary: { attacks: number; blocked: number; benign: number; allowed: number; ok: boolean };
  };
  expect(doc.scenario).toBe('demo-openclaw-session');
  expect(doc.summary).toEqual({ attacks: 4, blocked: 4, benign: 7, allowed: 7, ok: true });
  expect(doc.steps.every((s) => s.ok)).toBe(true);
  const env = doc.steps.find((s) => s.actor === 'format-skill' && s.tool === 'read_file');
  expect(env?.final).toBe('deny');
  expect(env?.decidedBy).toEqual(['secrets-no-dotenv']);
  const deploy = doc.steps.find((s) => s.tool === 'deploy');
  expect(deploy?.decidedBy).toEqual(['no permit for User alice']);
  expect(doc.steps.at(-1)?.labels).toEqual(['private-data', 'untrusted-content']);
}, 120_000);
