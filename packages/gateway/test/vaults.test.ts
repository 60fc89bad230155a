/**
 * @module test/vaults
 * The memory, environment and encrypted file vaults: what they return, what they refuse, and
 * for the file vault — no plaintext on disk, atomic replacement, and failing closed on any
 * tampering or a wrong key.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { VaultContext } from '../src/index.js';
import { EnvVault, FileVault, MemoryVault, VaultError, VaultKey } from '../src/index.js';
import { chain } from './fixtures.js';

const ctx: VaultContext = {
  chain,
  destination: { origin: 'https://x.test', host: 'x.test', method: 'GET', path: '/' },
};
const dir = mkdtempSync(join(tmpdir(), 'mandate-vault-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = 'ghp_FileVaultSecret_0123456789abcdef';

async function refusal(p: Promise<unknown>): Promise<VaultError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(VaultError);
  return e as VaultError;
}

describe('MemoryVault', () => {
  it('returns validated records and refuses unknown names', async () => {
    const v = new MemoryVault({ a: { value: 'x', inject: { type: 'header', name: 'X-Api-Key' } } });
    expect((await v.resolve('a', ctx)).inject).toEqual({ type: 'header', name: 'X-Api-Key' });
    expect((await refusal(v.resolve('b', ctx))).kind).toBe('not-found');
    expect((await refusal(v.resolve('__proto__', ctx))).kind).toBe('not-found');
  });

  it('refuses a malformed record without echoing its value', () => {
    let err: unknown;
    try {
      new MemoryVault({ a: { value: 'topsecret', inject: { type: 'basic', username: 'a:b' } } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VaultError);
    expect((err as VaultError).kind).toBe('format');
    expect((err as VaultError).message).toContain('`inject.username`');
    expect((err as VaultError).message).not.toContain('topsecret');
  });
});

describe('EnvVault', () => {
  it('maps names to variables only, and can remove them from the environment', async () => {
    const env: Record<string, string | undefined> = { GH_TOKEN: 'env-secret', OTHER: 'x' };
    const v = new EnvVault({
      env,
      unset: true,
      secrets: { 'gh/ci': { variable: 'GH_TOKEN' }, gone: { variable: 'NOPE' } },
    });
    expect((await v.resolve('gh/ci', ctx)).value).toBe('env-secret');
    expect(env.GH_TOKEN).toBeUndefined();
    expect(env.OTHER).toBe('x');
    expect((await refusal(v.resolve('gone', ctx))).message).toContain('`NOPE`');
    // A reference cannot name an arbitrary variable.
    expect((await refusal(v.resolve('OTHER', ctx))).kind).toBe('not-found');
  });
});

describe('VaultKey', () => {
  it('reads hex and base64 keys from the environment and refuses anything else', () => {
    expect(() => VaultKey.fromEnv('K', { K: VaultKey.generate() })).not.toThrow();
    expect(() => VaultKey.fromEnv('K', { K: 'ab'.repeat(32) })).not.toThrow();
    for (const bad of [undefined, '', 'short', 'ab'.repeat(31)]) {
      let err: unknown;
      try {
        VaultKey.fromEnv('K', { K: bad });
      } catch (e) {
        err = e;
      }
      expect((err as VaultError).kind).toBe('key');
    }
  });

  it('does not print itself', () => {
    const k = VaultKey.fromText(VaultKey.generate());
    expect(inspect(k)).toBe('VaultKey [redacted]');
    expect(JSON.stringify({ k })).toBe('{"k":"VaultKey [redacted]"}');
  });

  it('refuses a key file others can read', () => {
    const p = join(dir, 'key-open');
    writeFileSync(p, VaultKey.generate(), { mode: 0o644 });
    chmodSync(p, 0o644);
    let err: unknown;
    try {
      VaultKey.fromFile(p);
    } catch (e) {
      err = e;
    }
    expect((err as VaultError).kind).toBe('key');
    chmodSync(p, 0o600);
    expect(() => VaultKey.fromFile(p)).not.toThrow();
  });
});

describe('FileVault', () => {
  const keyText = VaultKey.generate();
  const key = VaultKey.fromText(keyText);

  it('round-trips secrets with no plaintext on disk and no temp files left', async () => {
    const path = join(dir, 'roundtrip.vault');
    const v = await FileVault.create({ path, key }, { 'github/alice': { value: SECRET } });
    await v.set('stripe', { value: 'sk_live_other_secret_value', inject: { type: 'basic', username: 'api' } });
    expect((await v.resolve('github/alice', ctx)).value).toBe(SECRET);
    expect((await v.resolve('stripe', ctx)).inject).toEqual({ type: 'basic', username: 'api' });
    const disk = readFileSync(path);
    expect(disk.includes(SECRET)).toBe(false);
    expect(disk.includes('sk_live_other_secret_value')).toBe(false);
    expect(disk.includes('github/alice')).toBe(false); // names are sealed too
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await v.delete('stripe')).toBe(true);
    expect(await v.names()).toEqual(['github/alice']);
    // A second vault with the key from the environment reads the same file.
    const again = new FileVault({ path, key: VaultKey.fromEnv('MANDATE_VAULT_KEY', { MANDATE_VAULT_KEY: keyText }) });
    expect((await again.resolve('github/alice', ctx)).value).toBe(SECRET);
  });

  it('serializes concurrent writes without losing any', async () => {
    const v = await FileVault.create({ path: join(dir, 'concurrent.vault'), key });
    await Promise.all(Array.from({ length: 20 }, (_, i) => v.set(`s${i}`, { value: `v${i}` })));
    expect((await v.names()).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}`).sort());
  });

  it('refuses to create over an existing vault', async () => {
    const path = join(dir, 'exists.vault');
    await FileVault.create({ path, key }, { a: { value: 'x' } });
    expect((await refusal(FileVault.create({ path, key }))).kind).toBe('io');
    expect((await new FileVault({ path, key }).resolve('a', ctx)).value).toBe('x');
  });

  it.each([
    ['a flipped ciphertext character', (t: string) => flipIn(t, 'ciphertext')],
    ['a flipped tag character', (t: string) => flipIn(t, 'tag')],
    [
      'a swapped nonce',
      (t: string) => t.replace(/"iv":"[^"]+"/, `"iv":"${Buffer.alloc(12, 7).toString('base64url')}"`),
    ],
    ['a truncated file', (t: string) => t.slice(0, t.length / 2)],
    ['another format version', (t: string) => t.replace('"version":1', '"version":2')],
    ['an empty file', () => ''],
  ])('fails closed on %s', async (_what, tamper) => {
    const path = join(dir, `tamper-${Math.random().toString(36).slice(2)}.vault`);
    const v = await FileVault.create({ path, key }, { 'github/alice': { value: SECRET } });
    writeFileSync(path, tamper(readFileSync(path, 'utf8')));
    const e = await refusal(v.resolve('github/alice', ctx));
    expect(e.kind).toBe('tampered');
    expect(e.message).not.toContain(SECRET);
    // Writes fail closed too: a tampered vault is not silently replaced.
    expect((await refusal(v.set('x', { value: 'y' }))).kind).toBe('tampered');
  });

  it('fails closed with the wrong key', async () => {
    const path = join(dir, 'wrongkey.vault');
    await FileVault.create({ path, key }, { a: { value: SECRET } });
    const other = new FileVault({ path, key: VaultKey.fromText(VaultKey.generate()) });
    expect((await refusal(other.resolve('a', ctx))).kind).toBe('tampered');
  });
});

function flipIn(text: string, field: string): string {
  const m = new RegExp(`"${field}":"([^"]+)"`).exec(text) as RegExpExecArray;
  const value = m[1] as string;
  const i = Math.floor(value.length / 2);
  const flipped = value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
  return text.replace(value, flipped);
}
