/**
 * Deciding from a bundle never loads cedar-wasm. In-process (the core's `isCedarWasmLoaded()`
 * sees this file's module instance, fresh for each test file): the bundle is written by a
 * `mandate bundle` process, then `authorize --bundle` and `explain --bundle` run through
 * `run()` here. The tests run in order; the last one loads wasm on purpose, to show the probe
 * would have seen it.
 */
import { isCedarWasmLoaded } from '@mandate/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, run } from '../src/index.js';
import { capture, FIXTURES, mandate, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir(FIXTURES);
afterAll(cleanup);

const REQ = ['--principal', 'User::"alice"', '--action', 'Action::"read"', '--resource', 'File::"keys"'];

describe('deciding from a bundle', { timeout: 30_000 }, () => {
  beforeAll(async () => {
    const r = await mandate(
      ['bundle', '--policies', 'policies.cedar', '--schema', 'schema.cedarschema', '--out', 'p.json'],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
  });

  it('authorize --bundle and explain --bundle leave isCedarWasmLoaded() false', async () => {
    expect(isCedarWasmLoaded()).toBe(false);
    const a = capture(dir);
    expect(await run(['authorize', '--bundle', 'p.json', '--entities', 'entities.json', ...REQ, '--json'], a.io)).toBe(
      EXIT.DENY,
    );
    expect(JSON.parse(a.out())).toMatchObject({ decision: 'deny', reasons: ['policy1'] });
    expect(a.err()).toBe('');
    // The bundle's schema is in force: a context it does not declare is rejected, still without wasm.
    const rejected = capture(dir);
    expect(
      await run(
        ['authorize', '--bundle', 'p.json', '--entities', 'entities.json', ...REQ, '--context', '{"x":1}'],
        rejected.io,
      ),
    ).toBe(EXIT.FAILURE);
    expect(rejected.err()).toContain('request rejected');
    const e = capture(dir);
    expect(await run(['explain', '--bundle', 'p.json', '--entities', 'entities.json', ...REQ], e.io)).toBe(EXIT.DENY);
    expect(e.out()).toContain('DENY');
    expect(isCedarWasmLoaded()).toBe(false);
  });

  it('(control) authorize --policies --schema does load it', async () => {
    const c = capture(dir);
    const args = ['--policies', 'policies.cedar', '--schema', 'schema.cedarschema', '--entities', 'entities.json'];
    expect(await run(['authorize', ...args, ...REQ], c.io)).toBe(EXIT.DENY);
    expect(isCedarWasmLoaded()).toBe(true);
  });
});
