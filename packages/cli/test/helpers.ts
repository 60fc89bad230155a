/**
 * @module test/helpers
 * Run `mandate` as a real process — real argv, exit code, stdout and stderr — from the
 * TypeScript sources (`node --conditions=mandate-source --import tsx src/cli.ts`), so tests need no
 * build; plus temp directories with fixture files.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CliIo } from '../src/index.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the CLI in `cwd` with `args`; colour variables are cleared unless `env` sets them. */
export function mandate(
  args: readonly string[],
  opts: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<ProcessResult> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  Object.assign(env, opts.env ?? {});
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=mandate-source', '--import', TSX, CLI, ...args], {
      cwd: opts.cwd,
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A temp directory holding `files` (relative path → content); `cleanup()` removes it. */
export function tempDir(files: Record<string, string> = {}): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-cli-'));
  for (const [name, text] of Object.entries(files)) write(dir, name, text);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function write(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** A small policy set, schema and entities most tests share. */
export const FIXTURES = {
  'policies.cedar': `// reading files
@id("read-own")
permit(principal, action == Action::"read", resource) when { resource.owner == principal };

@id("no-secrets")
forbid(principal, action, resource) when { resource.secret };
`,
  'schema.cedarschema': `entity User;
entity File { owner: User, secret: Bool };
action read appliesTo { principal: User, resource: File, context: { reason?: String } };
`,
  'entities.json': JSON.stringify([
    { uid: { type: 'User', id: 'alice' }, attrs: {}, parents: [] },
    { uid: { type: 'User', id: 'bob' }, attrs: {}, parents: [] },
    {
      uid: { type: 'File', id: 'notes' },
      attrs: { owner: { __entity: { type: 'User', id: 'alice' } }, secret: false },
      parents: [],
    },
    {
      uid: { type: 'File', id: 'keys' },
      attrs: { owner: { __entity: { type: 'User', id: 'alice' } }, secret: true },
      parents: [],
    },
  ]),
} as const;

/** Streams for `run()` in-process: what it writes to stdout and stderr, kept. */
export function capture(
  cwd: string,
  env: Record<string, string> = {},
): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      env,
      cwd,
    },
    out: () => out,
    err: () => err,
  };
}
