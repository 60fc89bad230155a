/**
 * @module test/bundle/bundle
 * Bundles: a compiled policy set written to text and read back decides identically, exact
 * integers included; tampering is detected; and reading one never loads cedar-wasm.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Authorizer, BundleError, PolicySet, readBundle, Schema, writeBundle } from '../../src/index.js';

const POLICIES = `
@id("big") permit(principal, action == Action::"read", resource) when { context.n == 9223372036854775807 && -9223372036854775808 < context.n };
@id("tmpl") permit(principal == ?principal, action == Action::"write", resource in Folder::"f");
@id("deny-blocked") forbid(principal, action, resource) when { principal has blocked && principal.blocked };
`;

const SCHEMA = `
entity User { blocked?: Bool };
entity Folder;
entity File in [Folder];
action read, write appliesTo { principal: [User], resource: [File], context: { n?: Long } };
`;

const ENTITIES = [
  { uid: { type: 'User', id: 'alice' }, attrs: {}, parents: [] },
  { uid: { type: 'User', id: 'mallory' }, attrs: { blocked: true }, parents: [] },
  { uid: { type: 'File', id: 'a' }, attrs: {}, parents: [{ type: 'Folder', id: 'f' }] },
];

const requests = [
  ['alice', 'read', { n: 9223372036854775807n }],
  ['alice', 'read', { n: 9223372036854775806n }],
  ['alice', 'write', {}],
  ['mallory', 'write', {}],
  ['mallory', 'read', { n: 9223372036854775807n }],
] as const;

function decisions(authz: Authorizer) {
  return requests.map(([who, action, context]) =>
    authz.authorize({
      principal: { type: 'User', id: who },
      action: { type: 'Action', id: action },
      resource: { type: 'File', id: 'a' },
      context,
    }),
  );
}

function original() {
  const ps = PolicySet.compile(POLICIES, { idAnnotation: true }).link('tmpl', 'alice-writes', {
    '?principal': { type: 'User', id: 'alice' },
  });
  return { ps, schema: Schema.parse(SCHEMA) };
}

describe('bundles', () => {
  it('round-trip: the same decisions, reasons and errors, integers beyond 2^53 exact', () => {
    const { ps, schema } = original();
    const text = writeBundle(ps, { schema });
    const loaded = readBundle(text);
    expect(loaded.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const before = decisions(new Authorizer({ policies: ps, schema, entities: ENTITIES }));
    const after = decisions(new Authorizer({ policies: loaded.policySet, schema: loaded.schema, entities: ENTITIES }));
    expect(after).toEqual(before);
    expect(before.map((d) => d.decision)).toEqual(['allow', 'deny', 'allow', 'deny', 'deny']);
    expect(before[0]?.reasons).toEqual(['big']);
    expect(before[2]?.reasons).toEqual(['alice-writes']);
    expect(before[4]?.reasons).toEqual(['deny-blocked']);
  });

  it('is deterministic: writing the same set twice gives the same text and digest', () => {
    const { ps, schema } = original();
    expect(writeBundle(ps, { schema })).toBe(writeBundle(ps, { schema }));
    expect(readBundle(writeBundle(ps)).digest).not.toBe(readBundle(writeBundle(ps, { schema })).digest);
  });

  it('refuses a bundle whose content was changed after writing', () => {
    const text = writeBundle(original().ps).replace('9223372036854775807', '9223372036854775806');
    expect(() => readBundle(text)).toThrow(BundleError);
    try {
      readBundle(text);
    } catch (e) {
      expect((e as BundleError).kind).toBe('digest');
    }
  });

  it('refuses what is not a bundle, or another version', () => {
    expect(() => readBundle('permit(principal, action, resource);')).toThrow(/not a policy bundle/);
    expect(() => readBundle('{"format":"something-else"}')).toThrow(/not a policy bundle/);
    const text = writeBundle(original().ps).replace('"version":1', '"version":99');
    expect(() => readBundle(text)).toThrow(/version `99` is not supported/);
  });

  it('is read, and decides, without loading cedar-wasm', () => {
    const { ps, schema } = original();
    const text = writeBundle(ps, { schema });
    const require = createRequire(import.meta.url);
    const tsx = require.resolve('tsx/cli');
    const index = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
    const script = `
      const m = await import(${JSON.stringify(index)});
      const t0 = performance.now();
      const { policySet, schema } = m.readBundle(${JSON.stringify(text)});
      const authz = new m.Authorizer({ policies: policySet, schema, entities: ${JSON.stringify(ENTITIES)} });
      const d = authz.authorize({ principal: { type: 'User', id: 'alice' }, action: { type: 'Action', id: 'write' },
        resource: { type: 'File', id: 'a' }, context: {} });
      console.log(JSON.stringify({ decision: d.decision, reasons: d.reasons, wasm: m.isCedarWasmLoaded() }));
    `;
    const run = spawnSync(process.execPath, [tsx, '--conditions=mandate-source', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}')).toEqual({
      decision: 'allow',
      reasons: ['alice-writes'],
      wasm: false,
    });
  }, 90_000);
});
