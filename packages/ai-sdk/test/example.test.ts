/**
 * @module test/example
 * examples/ai-sdk-agent/main.ts run as a real process, as a user would run it: the mock
 * model's two allowed calls run, its exfiltration attempt is denied and never runs, exit 0.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

it('examples/ai-sdk-agent runs: allowed calls execute, the denied one does not, exit 0', {
  timeout: 60_000,
}, async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=mandate-source', '--import', 'tsx', 'examples/ai-sdk-agent/main.ts'],
    { cwd: root, timeout: 55_000 },
  );
  expect(stdout).toContain('allowed read_notes → ');
  expect(stdout).toContain('allowed browse → ');
  expect(stdout).toContain('denied  send_email → mandate denied `send_email` (`trifecta-egress`)');
  expect(stdout).toContain('executed: read_notes, browse\n');
});
