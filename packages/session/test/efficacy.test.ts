/**
 * @module efficacy.test
 * The protection efficacy suite (`efficacy/run.ts`) as CI runs it: a separate process over
 * the baseline policies and every trace, which must exit 0 with every attack blocked and at
 * least 97% of benign actions allowed, and say so in its closing line.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

function runEfficacy(...args: string[]) {
  return spawnSync(process.execPath, ['--conditions=mandate-source', '--import', 'tsx', 'efficacy/run.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000,
  });
}

test('every attack is blocked and benign work keeps working', () => {
  const r = runEfficacy();
  expect(r.stderr).toBe('');
  expect(r.status, r.stdout).toBe(0);
  const lines = r.stdout.trimEnd().split('\n');
  const closing = lines.at(-1) ?? '';
  const m = /^attacks blocked: (\d+)\/(\d+), benign allowed: (\d+)\/(\d+)$/.exec(closing);
  expect(m, closing).not.toBeNull();
  const [blocked, attacks, allowed, benign] = (m as RegExpExecArray).slice(1).map(Number) as [
    number,
    number,
    number,
    number,
  ];
  expect(blocked).toBe(attacks);
  expect(attacks).toBeGreaterThanOrEqual(20);
  expect(benign).toBeGreaterThanOrEqual(30);
  expect(allowed / benign).toBeGreaterThanOrEqual(0.97);
  // Every block in the report names what decided it.
  for (const name of ['secrets-no-dotenv', 'trifecta-egress', 'shell-no-network-tools', 'mandate:intent-cart'])
    expect(r.stdout).toContain(name);
  expect(r.stdout).toContain('no permit for User alice');
}, 120_000);

test('--json reports the same numbers for machines', () => {
  const r = runEfficacy('--json');
  expect(r.status, r.stderr).toBe(0);
  const data = JSON.parse(r.stdout) as {
    passed: boolean;
    attacks: number;
    blocked: number;
    traces: { id: string; steps: { expect: string; outcome: string; decidedBy: string[] }[] }[];
  };
  expect(data.passed).toBe(true);
  expect(data.blocked).toBe(data.attacks);
  for (const t of data.traces)
    for (const s of t.steps)
      if (s.expect === 'block') {
        expect(s.outcome, `${t.id}`).not.toBe('allow');
        expect(s.decidedBy.length, `${t.id}: a block names its decider`).toBeGreaterThan(0);
      }
}, 120_000);
