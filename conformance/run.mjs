#!/usr/bin/env node
// `pnpm conformance`: runs Cedar's conformance data (../shared/conformance: the official
// integration tests, the 62,472-request generated corpus and the JS-hazard cases) against
// Mandate's engine (./engine.mjs, on the built package), with lossless integers (--bigint),
// so that requests with integers beyond 2^53 — which cedar-wasm itself cannot take — count
// too. Extra arguments go to the harness (e.g. `--suite tests --verbose`, `--limit 100`).
//
// The harness's own exit status is not trusted alone: this script reads its JSON report and
// checks that every suite ran in full (a suite that silently shrank, or a harness that did
// not run at all, fails here) and that every counted case passed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const dataDir = process.env.MANDATE_CONFORMANCE_DIR ?? path.resolve(repo, '..', 'shared', 'conformance');

/** Requests per suite in the full data set (see ../shared/conformance/README.md). */
const FULL = {
  tests: { requests: 74, files: 22 },
  hazards: { requests: 85, files: 29, rejections: 19 },
  corpus: { requests: 62472, files: 7809 },
};

if (!fs.existsSync(path.join(dataDir, 'run.mjs'))) {
  console.error(`conformance harness not found in ${dataDir} (set MANDATE_CONFORMANCE_DIR)`);
  process.exit(2);
}
if (!fs.existsSync(path.join(repo, 'packages/core/dist/index.js'))) {
  console.error('packages/core/dist is missing: run `pnpm build` first');
  process.exit(2);
}
// The harness runs its CLI only when started by its real path (it compares import.meta.url).
const harness = fs.realpathSync(path.join(dataDir, 'run.mjs'));
const extra = process.argv.slice(2);
const partial = extra.some((a) => a === '--limit' || a === '--suite');
const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mandate-conformance-')), 'report.json');
const args = [harness, '--engine', path.join(here, 'engine.mjs'), '--bigint', '--json', report];
if (!extra.includes('--suite')) args.push('--suite', 'all');
const res = spawnSync(process.execPath, [...args, ...extra], { stdio: 'inherit', cwd: repo });

if (!fs.existsSync(report)) {
  console.error(`\nconformance: FAIL: the harness wrote no report (exit ${res.status})`);
  process.exit(1);
}
const { perSuite } = JSON.parse(fs.readFileSync(report, 'utf8'));
const problems = [];
for (const [suite, full] of Object.entries(FULL)) {
  const s = perSuite[suite];
  if (s === undefined) {
    if (!partial) problems.push(`suite \`${suite}\` did not run`);
    continue;
  }
  if (!partial && (s.requests !== full.requests || s.testFiles !== full.files)) {
    problems.push(
      `suite \`${suite}\` ran ${s.testFiles} files / ${s.requests} requests, expected ${full.files} / ${full.requests}`,
    );
  }
  const counted = s.allThree.pass + s.allThree.fail + s.expectedRejections.pass + s.expectedRejections.fail;
  if (counted !== s.requests) problems.push(`suite \`${suite}\`: ${s.requests - counted} requests were not judged`);
  if (s.allThree.fail || s.expectedRejections.fail || s.loadError || s.validation.fail) {
    problems.push(
      `suite \`${suite}\`: ${s.allThree.fail} mismatches, ${s.expectedRejections.fail} accepted invalid inputs, ` +
        `${s.loadError} load errors, ${s.validation.fail} validation disagreements`,
    );
  }
  if (!partial && s.validation.pass !== full.files) {
    problems.push(`suite \`${suite}\`: validation agreed on ${s.validation.pass} of ${full.files} files`);
  }
}
if (res.status !== 0) problems.push(`the harness exited with ${res.status}`);
if (problems.length) {
  console.error(`\nconformance: FAIL\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
const total = Object.values(perSuite).reduce((n, s) => n + s.allThree.pass + s.expectedRejections.pass, 0);
console.log(`\nconformance: PASS (${total} requests judged equal to Cedar${partial ? ', partial run' : ''})`);
