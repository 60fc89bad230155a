/**
 * @module errors
 * How failures leave the CLI: as a {@link CliError} carrying the exit code and lines that say
 * what went wrong and where (`file:line:column`), printed to stderr without a stack trace.
 * Errors thrown by `@mandate/core` while loading a file are turned into one here, with the
 * file name and the core's own location details (policy id, line and column, JSON path,
 * entity uid) kept — for each problem when the core reports several.
 */
import { BundleError, EntityError, InputError, PolicyError, type PolicyProblem, SchemaError } from '@mandate/core';
import { EXIT, type ExitCode } from './exit-codes.js';

/** A position in a named file, 1-based. */
export interface FileLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export const formatLocation = (l: FileLocation): string => `${l.file}:${l.line}:${l.column}`;

/** One problem of a failure: its line (`file:line:column: …` when located) and its parts. */
export interface CliProblem {
  readonly message: string;
  /** The message without its location prefix. */
  readonly reason: string;
  readonly location: FileLocation | undefined;
}

/**
 * A failure with its exit code; `message` is the first line, `details` follow it indented.
 * Several problems of one failure (every policy that does not parse) are in `problems`, each
 * printed like the first.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCode;
  readonly details: readonly string[];
  /** Where the problem is, when known (also part of `message`). */
  readonly location: FileLocation | undefined;
  /** The message without its location prefix. */
  readonly reason: string;
  /** Every problem, this error's own (`message`, `reason`, `location`) first; never empty. */
  readonly problems: readonly CliProblem[];
  constructor(
    message: string,
    opts: {
      exitCode?: ExitCode;
      details?: readonly string[];
      location?: FileLocation;
      reason?: string;
      /** Further problems after this one. */
      more?: readonly CliProblem[];
    } = {},
  ) {
    super(message);
    this.exitCode = opts.exitCode ?? EXIT.FAILURE;
    this.details = opts.details ?? [];
    this.location = opts.location;
    this.reason = opts.reason ?? message;
    this.problems = [{ message, reason: this.reason, location: this.location }, ...(opts.more ?? [])];
  }
}

/** Wrong use of the command line (exit code 2). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, { exitCode: EXIT.USAGE });
  }
}

/** Maps places in loaded text back to files (policy text may be several files joined). */
export interface Locator {
  /** Location of a UTF-16 offset into the loaded text. */
  at(offset: number): FileLocation | undefined;
  /** Location of the start of a policy by Cedar's positional id (`policy3`). */
  policy(id: string): FileLocation | undefined;
}

const errorMessage = (e: unknown): string =>
  e !== null && typeof e === 'object' && 'message' in e ? String((e as { message: unknown }).message) : String(e);

/**
 * A {@link CliError} describing an error thrown while loading `what` from `file`. Core errors
 * keep their location; file-system errors say which file; anything else keeps its message.
 */
export function loadError(e: unknown, what: string, file: string | undefined, locator?: Locator): CliError {
  if (e instanceof CliError) return e;
  const where = file ?? what;
  if (e instanceof PolicyError) {
    const problem = (p: PolicyProblem): CliProblem => {
      const loc =
        (p.location && locator?.at(p.location.offset)) ??
        (p.location && file ? { file, line: p.location.line, column: p.location.column } : undefined) ??
        (p.policyId !== undefined ? locator?.policy(p.policyId) : undefined);
      // The core counts lines in the policy files joined; say them as in the file named.
      const reason =
        p.location && loc
          ? p.message.replace(
              ` at line ${p.location.line}, column ${p.location.column}`,
              ` at line ${loc.line}, column ${loc.column}`,
            )
          : p.message;
      return { message: `${loc ? formatLocation(loc) : where}: ${reason}`, reason, location: loc };
    };
    const [first, ...more] = e.problems.map(problem) as [CliProblem, ...CliProblem[]];
    // Several problems are each printed in full. Otherwise a single detail repeats the message
    // in other words, while several are worth listing.
    const extra = more.length === 0 && e.details.length > 1 ? e.details : [];
    return new CliError(first.message, {
      details: extra,
      reason: first.reason,
      ...(first.location ? { location: first.location } : {}),
      more,
    });
  }
  if (e instanceof SchemaError) {
    const [first, ...rest] = e.locations;
    const loc = first && file ? { file, line: first.line, column: first.column } : undefined;
    const prefix = loc ? formatLocation(loc) : where;
    const reason = first?.label ? `${e.message} (${first.label})` : e.message;
    const details = [
      ...rest.flatMap((l) => (l.label ? [`${file ?? what}:${l.line}:${l.column}: ${l.label}`] : [])),
      ...(e.help ? [`help: ${e.help}`] : []),
      ...e.details.slice(1),
    ];
    return new CliError(`${prefix}: ${reason}`, { details, reason, ...(loc ? { location: loc } : {}) });
  }
  if (e instanceof InputError) {
    const at = e.path.length > 0 ? ` at \`${e.where}\`` : '';
    const entity = e.entity !== undefined ? ` (entity \`${e.entity}\`)` : '';
    return new CliError(`${where}${at}${entity}: ${e.message}`);
  }
  if (e instanceof EntityError) {
    const entity = e.uid !== undefined && !e.message.includes(e.uid) ? ` (entity \`${e.uid}\`)` : '';
    return new CliError(`${where}${entity}: ${e.message}`);
  }
  if (e instanceof BundleError) return new CliError(`${where}: ${e.message}`);
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return new CliError(`cannot read ${what} \`${file}\`: no such file`);
  if (code === 'EISDIR') return new CliError(`cannot read ${what} \`${file}\`: it is a directory`);
  if (code === 'EACCES') return new CliError(`cannot read ${what} \`${file}\`: permission denied`);
  return new CliError(`${where}: ${errorMessage(e)}`);
}

/** `error: …` for each problem, the details indented under the first. */
const errorLines = (e: CliError): string[] => [
  `error: ${e.message}`,
  ...e.details.map((d) => `  ${d}`),
  ...e.problems.slice(1).map((p) => `error: ${p.message}`),
];

/** Lines to print for anything thrown out of a command. */
export function describeError(e: unknown, debug: boolean): { lines: string[]; exitCode: ExitCode } {
  if (e instanceof CliError) return { lines: errorLines(e), exitCode: e.exitCode };
  const lines = errorLines(loadError(e, 'input', undefined));
  if (debug && e instanceof Error && e.stack) lines.push(e.stack);
  return { lines, exitCode: EXIT.FAILURE };
}
