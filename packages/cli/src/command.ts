/**
 * @module command
 * The contract between the program and its commands: each command file registers one
 * commander sub-command and runs it through a function that takes plain options and a
 * {@link CliIo} and resolves to an exit code (so it can also be called in-process).
 */
import type { Command } from 'commander';
import type { ExitCode } from './exit-codes.js';
import { type CliIo, colorEnabled, type OutputStream } from './io.js';

export interface CommandContext {
  readonly io: CliIo;
  /** Whether to colour output to `stream` (`--no-color`, `NO_COLOR`, `FORCE_COLOR`, TTY). */
  color(stream: OutputStream): boolean;
  /** Record the exit code of the command that ran. */
  exit(code: ExitCode): void;
}

export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

/** A context for calling a command's run function directly. */
export function commandContext(
  io: CliIo,
  opts: { color?: boolean; exit?: (code: ExitCode) => void } = {},
): CommandContext {
  return {
    io,
    color: (stream) => colorEnabled(io, stream, opts.color),
    exit: opts.exit ?? (() => {}),
  };
}

/** Write a line of JSON (the machine-readable result of `--json`). */
export function writeJson(stream: OutputStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
}

/**
 * `bigint` (Cedar Longs are exact in the core) as a JSON number when a JS number holds it
 * exactly, else as a string of its digits: never a rounded number.
 */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}
