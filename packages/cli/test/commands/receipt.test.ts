/**
 * @module test/commands/receipt
 * `mandate receipt verify` as a real process: receipts signed with `@mandate/ops` verify with
 * the public key alone, in a single file, an array or a receipts log; a tampered receipt or
 * the wrong key fails with exit 1 and says which receipt; log notices are skipped.
 */
import { Authorizer } from '@mandate/core';
import { decisionEvent, generateReceiptKeys, signReceipt } from '@mandate/ops';
import { afterAll, describe, expect, it } from 'vitest';
import { mandate, tempDir, write } from '../helpers.js';

const keys = generateReceiptKeys();
const other = generateReceiptKeys();
const authz = new Authorizer({ policies: 'permit(principal, action, resource);' });

function receipt(resource: string) {
  const request = {
    principal: { type: 'User', id: 'alice' },
    action: { type: 'Action', id: 'read' },
    resource: { type: 'File', id: resource },
    context: { session: { id: 's1' } },
  };
  const event = decisionEvent({
    request,
    decision: authz.authorize(request),
    latencyUs: 3,
    policies: 'sha256:abc',
    schema: undefined,
    entities: 0,
    chain: { root: { id: 'alice' }, hops: [{ id: 'coder' }] },
  });
  return signReceipt(event, keys.privateKey, { keyId: 'k1' });
}

const good = [receipt('a'), receipt('b')];
const tampered = { ...receipt('c'), outcome: 'deny' };
const { dir, cleanup } = tempDir();
afterAll(cleanup);
write(dir, 'pub.pem', keys.publicKeyPem);
write(dir, 'other.pem', other.publicKeyPem);
write(dir, 'one.json', JSON.stringify(good[0], null, 2));
write(
  dir,
  'log.jsonl',
  [...good.map((r) => JSON.stringify(r)), JSON.stringify({ type: 'mandate.log.dropped', dropped: 2 })].join('\n'),
);
write(dir, 'bad.jsonl', [JSON.stringify(good[0]), JSON.stringify(tampered)].join('\n'));
write(dir, 'array.json', JSON.stringify(good));

describe('mandate receipt verify', { timeout: 30_000 }, () => {
  it('verifies a receipt, an array and a log with the public key (exit 0)', async () => {
    const r = await mandate(['receipt', 'verify', '--key', 'pub.pem', 'one.json', 'array.json', 'log.jsonl'], {
      cwd: dir,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('5 of 5 receipts verified (1 log notices skipped)');
  });

  it('fails on a tampered receipt, naming the line (exit 1)', async () => {
    const r = await mandate(['receipt', 'verify', '--key', 'pub.pem', 'bad.jsonl'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^invalid bad\.jsonl:2 /m);
    expect(r.stdout).toContain('1 of 2 receipts verified');
  });

  it('fails with another key, and says so in JSON', async () => {
    const r = await mandate(['receipt', 'verify', '--key', 'other.pem', 'one.json', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { valid: boolean; verified: number; failed: unknown[] };
    expect(out).toMatchObject({ valid: false, verified: 0 });
    expect(out.failed).toHaveLength(1);
  });

  it('is a usage error without --key (exit 2)', async () => {
    const r = await mandate(['receipt', 'verify', 'one.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--key');
  });
});
