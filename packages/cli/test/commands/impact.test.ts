import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, mandate, tempDir } from '../helpers.js';

const CANDIDATE = `${FIXTURES['policies.cedar']}
@id("notes-frozen")
forbid(principal, action, resource == File::"notes");
`;

const line = (o: Record<string, unknown>) => JSON.stringify(o);
const LOG = [
  line({
    id: 'r1',
    principal: 'User::"alice"',
    action: 'Action::"read"',
    resource: 'File::"notes"',
    decision: 'allow',
  }),
  line({
    id: 'r2',
    request: { principal: { type: 'User', id: 'alice' }, action: 'Action::"read"', resource: 'File::"keys"' },
    decision: 'deny',
  }),
  '',
  line({ principal: 'User::"bob"', action: 'Action::"read"', resource: 'File::"notes"', context: { reason: 'x' } }),
  line({ principal: 'User::"alice"', action: 'Action::"read"', resource: 'File::"notes"', context: { reason: 'y' } }),
].join('\n');

const { dir, cleanup } = tempDir({
  ...FIXTURES,
  'candidate.cedar': CANDIDATE,
  'log.jsonl': `${LOG}\n`,
  'log.json': JSON.stringify(
    LOG.split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
  ),
  'bad.jsonl': `${LOG.split('\n')[0]}\n{"principal": \n`,
  'accepted.yaml': '# reviewed in PR 12\n- r1\n- id: unknown-id\n',
  'accept-all.yaml': 'accepted:\n  - id: r1\n    to: deny\n',
  'wrong-direction.yaml': '- id: r1\n  to: allow\n',
});
afterAll(cleanup);

const BASE = ['--baseline-policies', 'policies.cedar', '--policies', 'candidate.cedar', '--entities', 'entities.json'];
const impact = (...args: string[]) => mandate(['impact', ...BASE, ...args], { cwd: dir });

describe('mandate impact', { timeout: 30_000 }, () => {
  it('reports each changed decision with the policy that caused it, and exits 1', async () => {
    const r = await impact('--requests', 'log.jsonl', '--schema', 'schema.cedarschema');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('allow → deny  r1 sha256:');
    expect(r.stdout).toContain('before: policy0 "read-own" (policies.cedar:2:1)');
    expect(r.stdout).toContain('after:  policy2 "notes-frozen" (candidate.cedar:8:1)');
    expect(r.stdout).toMatch(/2 {2}forbid policy2 "notes-frozen" \(candidate\.cedar:8:1\) \(now applies\)/);
    expect(r.stdout).toContain('4 requests replayed, 2 decisions change (2 allow → deny, 0 deny → allow)');
    expect(r.stdout).toContain('2 changes not accepted (no --accepted file given)');
  });

  it('exits 0 when nothing changes', async () => {
    const r = await mandate(
      [
        'impact',
        '--baseline-policies',
        'policies.cedar',
        '--policies',
        'policies.cedar',
        '--entities',
        'entities.json',
        '--requests',
        'log.jsonl',
      ],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 decisions change');
  });

  it('fails only on changes that are not accepted, and notes stale acceptances', async () => {
    const r = await impact('--requests', 'log.jsonl', '--accepted', 'accepted.yaml', '--json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.changes.map((c: { id?: string; accepted: boolean }) => [c.id, c.accepted])).toEqual([
      ['r1', true],
      [undefined, false],
    ]);
    expect(json.unaccepted).toBe(1);
    expect(json.staleAccepted).toEqual(['unknown-id']);
    expect(r.stderr).toBe('');
  });

  it('accepts changes by digest, and exits 0 when all are accepted', async () => {
    const first = JSON.parse((await impact('--requests', 'log.jsonl', '--json')).stdout);
    const digest = first.changes[1].digest as string;
    expect(digest).toMatch(/^sha256:[0-9a-f]{16}$/);
    writeFileSync(join(dir, 'by-digest.yaml'), `- r1\n- digest: "${digest}"\n  note: notes are frozen\n`);
    const r = await impact('--requests', 'log.jsonl', '--accepted', 'by-digest.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('all changes accepted');
  });

  it('honours the accepted direction', async () => {
    const wrong = await impact('--requests', 'log.jsonl', '--accepted', 'wrong-direction.yaml', '--json');
    expect(JSON.parse(wrong.stdout).changes[0].accepted).toBe(false);
    const right = await impact('--requests', 'log.jsonl', '--accepted', 'accept-all.yaml', '--json');
    expect(JSON.parse(right.stdout).changes[0].accepted).toBe(true);
  });

  it('reads a JSON array as well as JSON lines', async () => {
    const r = await impact('--requests', 'log.json', '--json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.requests).toBe(4);
    expect(json.changes.map((c: { line: number }) => c.line)).toEqual([1, 4]);
  });

  it('reports recorded decisions the baseline does not reproduce', async () => {
    const { dir: d, cleanup: c } = tempDir({
      ...FIXTURES,
      'log.jsonl': `${line({ id: 'old', principal: 'User::"bob"', action: 'Action::"read"', resource: 'File::"notes"', decision: 'allow' })}\n`,
    });
    try {
      const r = await mandate(
        [
          'impact',
          '--baseline-policies',
          'policies.cedar',
          '--policies',
          'policies.cedar',
          '--entities',
          'entities.json',
          '--requests',
          'log.jsonl',
          '--json',
        ],
        { cwd: d },
      );
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).drift).toEqual([{ line: 1, id: 'old', recorded: 'allow', baseline: 'deny' }]);
    } finally {
      c();
    }
  });

  it('names the log line that is not JSON (exit 1)', async () => {
    const r = await impact('--requests', 'bad.jsonl');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: bad\.jsonl:2: /);
  });

  it('exits 2 without --requests', async () => {
    const r = await impact();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--requests');
  });

  it('replays a 100,000-line log', { timeout: 120_000 }, async () => {
    const { dir: d, cleanup: c } = tempDir({ ...FIXTURES, 'candidate.cedar': CANDIDATE });
    try {
      const lines: string[] = [];
      for (let i = 0; i < 100_000; i++) {
        const resource = ['File::"notes"', 'File::"keys"', 'File::"other"'][i % 3];
        lines.push(line({ id: `r${i}`, principal: 'User::"alice"', action: 'Action::"read"', resource }));
      }
      writeFileSync(join(d, 'big.jsonl'), `${lines.join('\n')}\n`);
      const started = Date.now();
      const r = await mandate(
        ['impact', ...BASE, '--schema', 'schema.cedarschema', '--requests', 'big.jsonl', '--limit', '3'],
        { cwd: d, timeoutMs: 120_000 },
      );
      const elapsed = Date.now() - started;
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        '100000 requests replayed, 33334 decisions change (33334 allow → deny, 0 deny → allow)',
      );
      expect(r.stdout).toContain('… and 33331 more changes');
      // Not a benchmark (the machine is shared); a guard against accidentally quadratic work.
      expect(elapsed).toBeLessThan(60_000);
    } finally {
      c();
    }
  });
});
