/**
 * @module commands/bundle
 * `mandate bundle`: compile policy files (and a schema) into one bundle file — every policy in
 * Cedar's JSON form, the schema in Cedar's JSON schema form, a SHA-256 digest of them — with
 * `@mandate/core`'s `writeBundle`. With a schema the policies are validated first, exactly as
 * `mandate validate` does it; a set that does not parse or validate is never written. The file
 * is written next to its destination and renamed over it, so a `DecisionPoint` (`@mandate/ops`)
 * watching it reloads once, from a whole file. `mandate authorize --bundle` and the
 * `DecisionPoint` then decide from it without parsing Cedar text or loading cedar-wasm.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PolicySet, writeBundle } from '@mandate/core';
import type { Command } from 'commander';
import { type CommandContext, type RegisterCommand, writeJson } from '../command.js';
import { collect } from '../decide.js';
import { CliError, type CliProblem, loadError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { type CliIo, resolvePath, style } from '../io.js';
import { displayPath, loadPolicySources, loadSchema } from '../sources.js';
import { problemLine, type ValidateProblem, validationProblems } from './validate.js';

export interface BundleOptions {
  readonly policies: readonly string[];
  readonly schema?: string | undefined;
  /** The bundle file to write (replaced atomically). */
  readonly out: string;
  /** Use `@id("…")` annotations as the policies' ids in the bundle (default: Cedar's `policy0`, …). */
  readonly idAnnotation?: boolean;
  readonly json?: boolean;
}

/** What `--json` prints. */
export interface BundleResult {
  /** The file written, as given (relative to the working directory when inside it). */
  readonly bundle: string;
  /** `sha256:<hex>` of the bundle's content: what `readBundle` checks and a `DecisionPoint` reports as its version. */
  readonly digest: string;
  /** Static policies. */
  readonly policies: number;
  readonly templates: number;
  /** Template links (policy text has none; counted for completeness). */
  readonly links: number;
  /** Whether the bundle carries a schema (the one its policies were validated against). */
  readonly schema: boolean;
  /** Validation warnings (the bundle is written all the same). */
  readonly warnings: readonly ValidateProblem[];
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Every validation error as one failure, each printed `error: file:line:column: [policyN] …`. */
function validationFailure(errors: readonly ValidateProblem[]): CliError {
  const [first, ...more] = errors.map(
    (p): CliProblem => ({
      message: problemLine(p),
      reason: p.message,
      location:
        p.file !== undefined && p.line !== undefined && p.column !== undefined
          ? { file: p.file, line: p.line, column: p.column }
          : undefined,
    }),
  ) as [CliProblem, ...CliProblem[]];
  return new CliError(first.message, {
    reason: first.reason,
    ...(first.location ? { location: first.location } : {}),
    more,
  });
}

const WRITE_ERRORS: Record<string, string> = {
  ENOENT: 'no such directory',
  ENOTDIR: 'a parent is not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

/**
 * Write `text` to `path` atomically: to a temporary file in the same directory (same file
 * system), flushed to disk, then renamed over `path`. A reader sees the old file or the new
 * one, never a partial write; a watcher sees one rename. The directory must exist.
 */
export function writeFileAtomically(io: CliIo, path: string, text: string): void {
  const target = resolvePath(io, path);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx');
    try {
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as { code?: unknown } | null)?.code;
    const why =
      typeof code === 'string' && Object.hasOwn(WRITE_ERRORS, code)
        ? WRITE_ERRORS[code]
        : e instanceof Error
          ? e.message
          : String(e);
    throw new CliError(`cannot write bundle \`${path}\`: ${why}`);
  }
}

export async function runBundle(ctx: CommandContext, o: BundleOptions): Promise<ExitCode> {
  const { io } = ctx;
  const sources = loadPolicySources(io, o.policies);
  const schema = o.schema === undefined ? undefined : loadSchema(io, o.schema);
  let set: PolicySet;
  try {
    set = PolicySet.compile(sources.text, { idAnnotation: o.idAnnotation ?? false });
  } catch (e) {
    throw loadError(e, 'policies', sources.files.join(', '), sources);
  }
  let warnings: readonly ValidateProblem[] = [];
  if (schema !== undefined) {
    const checked = validationProblems(sources, schema);
    if (checked.errors.length > 0) throw validationFailure(checked.errors);
    warnings = checked.warnings;
  }
  let text: string;
  try {
    text = writeBundle(set, { schema });
  } catch (e) {
    throw loadError(e, 'schema', o.schema === undefined ? undefined : displayPath(io, o.schema));
  }
  writeFileAtomically(io, o.out, text);
  const result: BundleResult = {
    bundle: displayPath(io, o.out),
    digest: (JSON.parse(text) as { digest: string }).digest,
    policies: set.staticIR.length,
    templates: set.templates.size,
    links: set.links.length,
    schema: schema !== undefined,
    warnings,
  };
  if (o.json) writeJson(io.stdout, result);
  else {
    for (const w of warnings) io.stderr.write(`warning: ${problemLine(w)}\n`);
    const s = style(ctx.color(io.stdout));
    const counts = [
      plural(result.policies, 'policy', 'policies'),
      plural(result.templates, 'template', 'templates'),
      ...(result.links > 0 ? [plural(result.links, 'link', 'links')] : []),
    ].join(', ');
    io.stdout.write(
      `${s.green('wrote')} ${result.bundle}: ${counts}, ${result.schema ? 'with schema' : 'no schema'}\n`,
    );
    io.stdout.write(`digest: ${result.digest}\n`);
  }
  return EXIT.OK;
}

export const registerBundle: RegisterCommand = (program: Command, ctx: CommandContext) => {
  program
    .command('bundle')
    .description('compile (and validate) policies into one bundle file that decides without cedar-wasm')
    .requiredOption('--policies <path>', 'Cedar policy file or directory of `*.cedar` files (repeatable)', collect)
    .option('--schema <file>', 'Cedar schema (text or JSON): policies are validated against it and it is bundled')
    .requiredOption('--out <file>', 'the bundle file to write (replaced atomically)')
    .option('--id-annotation', 'use @id("…") annotations as policy ids (default: Cedar\'s policy0, policy1, …)')
    .option('--json', 'print { bundle, digest, policies, templates, links, schema, warnings } as JSON')
    .addHelpText(
      'after',
      `
Examples:
  mandate bundle --policies policies/ --schema policies/schema/mandate.cedarschema --out dist/policies.bundle.json
  mandate authorize --bundle dist/policies.bundle.json --entities entities.json --request request.json

The bundle holds every policy (Cedar's JSON form) and the schema, with a SHA-256 digest of them,
printed as \`digest: sha256:…\`. \`mandate authorize --bundle\`, \`mandate explain --bundle\` and
@mandate/ops's DecisionPoint read it without parsing Cedar text or loading cedar-wasm, and refuse
it if it was altered. With --schema the policies are validated as \`mandate validate\` does;
nothing is written unless they parse and validate. The file is written next to --out and renamed
over it, so a process watching it reloads once, from a whole file.

Exit codes:
  0  bundle written (validation warnings are printed, not fatal)
  1  parse or validation errors (nothing written), or a file could not be read or written
  2  usage error`,
    )
    .action(async (opts: BundleOptions) => ctx.exit(await runBundle(ctx, opts)));
};
