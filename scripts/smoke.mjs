#!/usr/bin/env node
/**
 * Smoke test of the built package (run after `pnpm build`): loads `@mandate/core` from
 * packages/core/dist through its exports map, once with `require` (CJS) and once with `import`
 * (ESM), each in a fresh node process with no `mandate-source` condition, and checks the API contract
 * of DESIGN.md: `Authorizer` and `isAuthorized` exist and a tiny policy decides as Cedar does.
 * Exit 0 only when both module systems pass.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const core = join(repo, 'packages', 'core');

const missing = ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts'].filter(
  (f) => !existsSync(join(core, 'dist', f)),
);
if (missing.length > 0) {
  console.error(`smoke: FAIL: packages/core/dist lacks ${missing.join(', ')}; run \`pnpm build\` first`);
  process.exit(1);
}

// The probe runs with cwd = packages/core, so `@mandate/core` resolves by package self-reference
// through the exports map, exactly as a consumer's `require`/`import` would.
const probe = (load, expectedFile) => `
${load}
const assert = require('node:assert/strict');
const resolved = ${expectedFile === 'index.cjs' ? "require.resolve('@mandate/core')" : "fileURLToPath(import.meta.resolve('@mandate/core'))"};
assert.ok(resolved.endsWith(${JSON.stringify(join('dist', expectedFile))}), 'resolved to ' + resolved);
assert.equal(typeof m.Authorizer, 'function', 'export Authorizer');
assert.equal(typeof m.isAuthorized, 'function', 'export isAuthorized');

const policies = 'permit(principal == User::"alice", action == Action::"read", resource);';
const schema = 'entity User; entity File; action read appliesTo { principal: [User], resource: [File] };';
const request = (id) => ({
  principal: { type: 'User', id },
  action: { type: 'Action', id: 'read' },
  resource: { type: 'File', id: 'a' },
  context: {},
});

const authz = new m.Authorizer({ policies, schema, entities: [] });
const allow = authz.authorize(request('alice'));
assert.equal(allow.decision, 'allow', 'alice may read: ' + JSON.stringify(allow));
assert.equal(allow.reasons.length, 1, 'one determining policy: ' + JSON.stringify(allow));
assert.deepEqual(allow.errors, []);
const deny = authz.authorize(request('bob'));
assert.equal(deny.decision, 'deny', 'bob may not read: ' + JSON.stringify(deny));
assert.deepEqual(deny.reasons, []);

const answer = m.isAuthorized({ ...request('alice'), policies: { staticPolicies: policies }, entities: [] });
assert.equal(answer.type, 'success', JSON.stringify(answer));
assert.equal(answer.response.decision, 'allow');
assert.deepEqual(answer.response.diagnostics.reason, ['policy0']);
const denied = m.isAuthorized({ ...request('bob'), policies: { staticPolicies: policies }, entities: [] });
assert.equal(denied.type, 'success', JSON.stringify(denied));
assert.equal(denied.response.decision, 'deny');
console.log('ok ' + resolved);
`;

const modes = [
  {
    name: 'cjs (require)',
    inputType: 'commonjs',
    code: probe("const m = require('@mandate/core');", 'index.cjs'),
  },
  {
    name: 'esm (import)',
    inputType: 'module',
    code: probe(
      "import { createRequire } from 'node:module'; import { fileURLToPath } from 'node:url';\n" +
        "const require = createRequire(process.cwd() + '/');\nconst m = await import('@mandate/core');",
      'index.js',
    ),
  },
];

let failed = 0;
for (const mode of modes) {
  const r = spawnSync(process.execPath, [`--input-type=${mode.inputType}`, '-e', mode.code], {
    cwd: core,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.status === 0) {
    console.log(`smoke: PASS ${mode.name}: ${out}`);
  } else {
    failed++;
    console.error(`smoke: FAIL ${mode.name} (exit ${r.status ?? r.signal ?? r.error?.message}):\n${out}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
