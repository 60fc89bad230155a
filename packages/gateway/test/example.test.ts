/**
 * @module test/example
 * examples/gateway/main.ts run as a real process, as a user would run it: an agent tool calls
 * an API through the secretless fetch — the allowed call gets its answer, an echo of the key is
 * redacted, a denied method and a foreign host get nothing — and the key never reaches the log.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

it('examples/gateway runs: the agent calls the API without ever seeing the key, exit 0', {
  timeout: 60_000,
}, async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=mandate-source', '--import', 'tsx', 'examples/gateway/main.ts'],
    { cwd: root, timeout: 55_000 },
  );
  expect(stdout).toContain('← 200 {"city":"Lisbon","temperature":21}');
  expect(stdout).toContain('← 200 you sent: [REDACTED]');
  expect(stdout).toMatch(/refused \(denied\): use of `secret:\/\/vault\/weather` for `POST /);
  expect(stdout).toMatch(
    /refused \(denied\): use of `secret:\/\/vault\/weather` for `GET http:\/\/127\.0\.0\.1:\d+\/collect`/,
  );
  expect(stdout).toContain('the key appears in the audit log: false');
});
