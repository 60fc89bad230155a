/**
 * @module io
 * What a command may touch of its process: two output streams, the environment, the working
 * directory. Injected so that `run()` can be called in-process by tests and other tools with
 * captured output, and so that colour is decided once, from the streams actually written to.
 */
import { resolve } from 'node:path';

/** An output stream: a `Writable` such as `process.stdout`, or anything collecting text. */
export interface OutputStream {
  write(chunk: string): unknown;
  /** Set (true) on terminals; progress and colour are only shown there. */
  readonly isTTY?: boolean | undefined;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Environment read for `NO_COLOR`, `FORCE_COLOR`, `TERM` and `MANDATE_DEBUG`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
}

/** The real process's streams, environment and directory. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/**
 * Whether to colour what goes to `stream`: `FORCE_COLOR` (any value but `0`/`false`) forces
 * it, `NO_COLOR` (any non-empty value, see no-color.org) or `--no-color` turns it off, and
 * otherwise only terminals (not `TERM=dumb`) get colour.
 */
export function colorEnabled(io: CliIo, stream: OutputStream, flag?: boolean): boolean {
  if (flag === false) return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return stream.isTTY === true && io.env.TERM !== 'dumb';
}

/** ANSI styles that collapse to plain text when colour is off. */
export interface Style {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const sgr = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const plain = (s: string) => s;

export function style(enabled: boolean): Style {
  if (!enabled) return { enabled, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  return {
    enabled,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}

/** Absolute path of a command-line path argument. */
export function resolvePath(io: CliIo, path: string): string {
  return resolve(io.cwd, path);
}
