/**
 * @module commands/format
 * `mandate format`: Cedar's own formatter (cedar-wasm's `formatPolicies`), so the layout is
 * exactly what Cedar's CLI produces. Prints, checks (`--check`, for CI) or rewrites
 * (`--write`) policy files; a file that does not parse is reported at `file:line:column`
 * and left untouched.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { lineColumn, utf8OffsetToIndex } from '@mandate/core';
import type { Command } from 'commander';
import { cedarFormatter } from '../cedar-wasm.js';
import { type CommandContext, type RegisterCommand, writeJson } from '../command.js';
import { loadError, UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { resolvePath, style } from '../io.js';
import { byExtension, displayPath, expandPaths } from '../sources.js';

export interface FormatOptions {
  readonly files: readonly string[];
  readonly check?: boolean;
  readonly write?: boolean;
  readonly lineWidth?: number;
  readonly indentWidth?: number;
  readonly json?: boolean;
}

export interface FormatFileResult {
  readonly file: string;
  /** `unchanged`, `changed` (or would change, with `--check`), or `error` (did not parse). */
  readonly status: 'unchanged' | 'changed' | 'error';
  readonly errors?: readonly string[];
}

export async function runFormat(ctx: CommandContext, o: FormatOptions): Promise<ExitCode> {
  const { io } = ctx;
  if (o.check && o.write) throw new UsageError('give `--check` or `--write`, not both');
  const files = expandPaths(io, o.files, byExtension('.cedar'));
  if (files.length === 0) throw new UsageError(`no policy files (\`*.cedar\`) in \`${o.files.join('`, `')}\``);
  const formatter = cedarFormatter();
  const results: FormatFileResult[] = [];
  const s = style(ctx.color(io.stderr));
  for (const f of files) {
    const shown = displayPath(io, f);
    let text: string;
    try {
      text = readFileSync(resolvePath(io, f), 'utf8');
    } catch (e) {
      throw loadError(e, 'policies', f);
    }
    const ans = formatter.formatPolicies({
      policyText: text,
      ...(o.lineWidth !== undefined ? { lineWidth: o.lineWidth } : {}),
      ...(o.indentWidth !== undefined ? { indentWidth: o.indentWidth } : {}),
    });
    if (ans.type !== 'success') {
      const errors = ans.errors.map((e) => {
        const loc = e.sourceLocations?.[0];
        const { line, column } = loc ? lineColumn(text, utf8OffsetToIndex(text, loc.start)) : { line: 1, column: 1 };
        const label = loc?.label ? ` (${loc.label})` : '';
        return `${shown}:${line}:${column}: ${e.message}${label}`;
      });
      results.push({ file: shown, status: 'error', errors });
      for (const e of errors) io.stderr.write(`${s.red('error')}: ${e}\n`);
      continue;
    }
    const formatted = ans.formatted_policy;
    const changed = formatted !== text;
    results.push({ file: shown, status: changed ? 'changed' : 'unchanged' });
    if (o.write) {
      if (changed) {
        writeFileSync(resolvePath(io, f), formatted);
        if (!o.json) io.stdout.write(`formatted ${shown}\n`);
      }
    } else if (o.check) {
      if (changed && !o.json) io.stdout.write(`${shown}\n`);
    } else if (!o.json) {
      io.stdout.write(formatted);
    }
  }
  const errored = results.filter((r) => r.status === 'error').length;
  const changed = results.filter((r) => r.status === 'changed').length;
  if (o.json) writeJson(io.stdout, { files: results });
  else if (o.check && changed > 0) {
    io.stderr.write(`${changed} file${changed === 1 ? '' : 's'} not formatted (run \`mandate format --write\`)\n`);
  }
  if (errored > 0) return EXIT.FAILURE;
  return o.check && changed > 0 ? EXIT.FAILURE : EXIT.OK;
}

const positiveInt = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${what} \`${v}\` is not a positive integer`);
  return n;
};

export const registerFormat: RegisterCommand = (program: Command, ctx: CommandContext) => {
  program
    .command('format')
    .description("format Cedar policy files with Cedar's own formatter")
    .argument('<files...>', 'policy files or directories of `*.cedar` files')
    .option('--check', 'list files that are not formatted; exit 1 if any')
    .option('--write', 'rewrite files in place')
    .option('--line-width <n>', 'maximum line width (Cedar default 80)', positiveInt('line width'))
    .option('--indent-width <n>', 'indentation width (Cedar default 2)', positiveInt('indent width'))
    .option('--json', 'print per-file status as JSON')
    .addHelpText(
      'after',
      `
Without --check or --write the formatted text is printed to stdout.

Examples:
  mandate format policies/agent.cedar
  mandate format --check policies/
  mandate format --write policies/

Exit codes:
  0  formatted (or already formatted)
  1  a file does not parse, or (--check) a file is not formatted
  2  usage error`,
    )
    .action(async (files: string[], opts: Omit<FormatOptions, 'files'>) =>
      ctx.exit(await runFormat(ctx, { ...opts, files })),
    );
};
