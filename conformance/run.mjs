#!/usr/bin/env node
// `pnpm conformance`: runs Cedar's conformance data (../shared/conformance: the official
// integration tests, the 62,472-request generated corpus and the JS-hazard cases) against
// Mandate's engine (./engine.mjs, on the built package), with lossless integers (--bigint),
// so that requests with integers beyond 2^53 — which cedar-wasm itself cannot take — count
// too. Extra arguments go to the harness (e.g. `--suite tests --verbose`, `--limit 100`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const harness = process.env.MANDATE_CONFORMANCE_DIR
  ? path.join(process.env.MANDATE_CONFORMANCE_DIR, 'run.mjs')
  : path.resolve(repo, '..', 'shared', 'conformance', 'run.mjs');

if (!fs.existsSync(harness)) {
  console.error(`conformance harness not found at ${harness} (set MANDATE_CONFORMANCE_DIR)`);
  process.exit(2);
}
if (!fs.existsSync(path.join(repo, 'packages/core/dist/index.js'))) {
  console.error('packages/core/dist is missing: run `pnpm build` first');
  process.exit(2);
}
const extra = process.argv.slice(2);
const args = [harness, '--engine', path.join(here, 'engine.mjs'), '--bigint'];
if (!extra.includes('--suite')) args.push('--suite', 'all');
const res = spawnSync(process.execPath, [...args, ...extra], { stdio: 'inherit', cwd: repo });
process.exit(res.status ?? 1);
