/**
 * @module test/example
 * examples/mcp-server/main.ts run as a real process, as a user would run it: it prints the
 * filtered tool list, an allowed call and a denied one, and exits 0.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

it('examples/mcp-server runs: an allowed call, a denied one, exit 0', { timeout: 60_000 }, async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=mandate-source', '--import', 'tsx', 'examples/mcp-server/main.ts'],
    { cwd: root, timeout: 55_000 },
  );
  expect(stdout).toContain('tools/list: read_file, send_email\n');
  expect(stdout).toContain('allowed read_file → ok: # notes');
  expect(stdout).toContain('denied  run_shell → error: mandate denied `run_shell` (`no-shell`)');
});
