/**
 * @module commands/validate
 * `mandate validate`: policies against a schema with Cedar's strict validator. Every problem
 * is printed as `file:line:column: error: …` (a parse error — one for each policy that does
 * not parse — points where Cedar stopped; a validation error at the expression Cedar names,
 * or at the start of the policy when it names none), so editors and CI annotate the right
 * line.
 */
import { PolicySet, Schema, type ValidationIssue, validatePolicies } from '@mandate/core';
import type { Command } from 'commander';
import { type CommandContext, type RegisterCommand, writeJson } from '../command.js';
import { collect } from '../decide.js';
import { type FileLocation, loadError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { style } from '../io.js';
import { displayPath, loadPolicySources, type PolicySources, readText } from '../sources.js';

export interface ValidateOptions {
  readonly policies: readonly string[];
  readonly schema: string;
  readonly denyWarnings?: boolean;
  readonly json?: boolean;
}

export interface ValidateProblem {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly policyId?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

export interface ValidateResult {
  readonly valid: boolean;
  readonly policies: number;
  readonly errors: readonly ValidateProblem[];
  readonly warnings: readonly ValidateProblem[];
}

function problem(
  severity: ValidateProblem['severity'],
  message: string,
  policyId: string | undefined,
  loc: FileLocation | undefined,
): ValidateProblem {
  return { severity, message, ...(policyId !== undefined ? { policyId } : {}), ...(loc ?? {}) };
}

/** Problems of one failed load step (parse errors, a schema error) in the result's shape. */
function failedLoad(e: unknown, what: string, file: string, sources?: PolicySources): ValidateProblem[] {
  const err = loadError(e, what, file, sources);
  // Every problem of the step (each policy that does not parse), each at its own place.
  const [head, ...more] = err.problems.map((p) =>
    p.location ? problem('error', p.reason, undefined, p.location) : problem('error', p.message, undefined, undefined),
  );
  return [head as ValidateProblem, ...err.details.map((d) => problem('error', d, undefined, undefined)), ...more];
}

export async function runValidate(ctx: CommandContext, o: ValidateOptions): Promise<ExitCode> {
  const { io } = ctx;
  const result = check(ctx, o);
  if (o.json) writeJson(io.stdout, result);
  else {
    const s = style(ctx.color(io.stdout));
    const print = (p: ValidateProblem) => {
      const where = p.file !== undefined ? `${p.file}:${p.line}:${p.column}: ` : '';
      const tag = p.severity === 'error' ? s.red('error') : s.yellow('warning');
      const id = p.policyId !== undefined ? `[${p.policyId}] ` : '';
      io.stdout.write(`${where}${tag}: ${id}${p.message}\n`);
    };
    result.errors.forEach(print);
    result.warnings.forEach(print);
    const counts = `${result.errors.length} error${result.errors.length === 1 ? '' : 's'}, ${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}`;
    io.stdout.write(
      result.valid
        ? `${s.green('valid')}: ${result.policies} polic${result.policies === 1 ? 'y' : 'ies'} (${counts})\n`
        : `${s.red('invalid')}: ${counts}\n`,
    );
  }
  const failed = result.errors.length > 0 || (o.denyWarnings === true && result.warnings.length > 0);
  return failed ? EXIT.FAILURE : EXIT.OK;
}

function check(ctx: CommandContext, o: ValidateOptions): ValidateResult {
  const { io } = ctx;
  // An unreadable file is not a finding about the policies: it is thrown (exit 1 all the same).
  const sources = loadPolicySources(io, o.policies);
  const schemaProblems: ValidateProblem[] = [];
  const schemaText = readText(io, o.schema, 'schema');
  let schema: Schema | undefined;
  try {
    schema = Schema.parse(schemaText);
  } catch (e) {
    schemaProblems.push(...failedLoad(e, 'schema', displayPath(io, o.schema)));
  }
  // Parse first, through the core's compiler: it locates parse errors in the text.
  try {
    PolicySet.compile(sources.text);
  } catch (e) {
    const errors = [...schemaProblems, ...failedLoad(e, 'policies', sources.files.join(', '), sources)];
    return { valid: false, policies: sources.count, errors, warnings: [] };
  }
  if (schema === undefined) return { valid: false, policies: sources.count, errors: schemaProblems, warnings: [] };
  const { errors, warnings } = validationProblems(sources, schema);
  return { valid: errors.length === 0, policies: sources.count, errors, warnings };
}

/**
 * Cedar's strict validation of policy text that parses, against a schema: every error and
 * warning (the schema's own warnings first) located in the file it is written in. Shared with
 * `mandate bundle`, which refuses to write a set that does not validate.
 */
export function validationProblems(
  sources: PolicySources,
  schema: Schema,
): { errors: ValidateProblem[]; warnings: ValidateProblem[] } {
  const schemaWarnings = schema.warnings.map((w) => problem('warning', w, undefined, undefined));
  let res: ReturnType<typeof validatePolicies>;
  try {
    res = validatePolicies(sources.text, schema.source as string | Readonly<Record<string, unknown>>);
  } catch (e) {
    return { errors: failedLoad(e, 'policies', sources.files.join(', '), sources), warnings: [] };
  }
  // Cedar's location of the offending expression when it gives one, else the policy's start.
  const where = (i: ValidationIssue) =>
    (i.location === undefined ? undefined : sources.at(i.location.offset)) ?? sources.policy(i.policyId);
  const errors = res.errors.map((i) => problem('error', i.message, i.policyId, where(i)));
  const warnings = [...schemaWarnings, ...res.warnings.map((i) => problem('warning', i.message, i.policyId, where(i)))];
  return { errors, warnings };
}

/** A problem as one line: `file:line:column: [policy1] message` (no severity tag). */
export function problemLine(p: ValidateProblem): string {
  const where = p.file !== undefined ? `${p.file}:${p.line}:${p.column}: ` : '';
  const id = p.policyId !== undefined ? `[${p.policyId}] ` : '';
  return `${where}${id}${p.message}`;
}

export const registerValidate: RegisterCommand = (program: Command, ctx: CommandContext) => {
  program
    .command('validate')
    .description('validate policies against a schema (Cedar strict validation)')
    .requiredOption('--policies <path>', 'Cedar policy file or directory of `*.cedar` files (repeatable)', collect)
    .requiredOption('--schema <file>', 'Cedar schema (`.cedarschema` text or JSON)')
    .option('--deny-warnings', 'fail (exit 1) on warnings too')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Example:
  mandate validate --policies policies/ --schema policies/schema/mandate.cedarschema

Exit codes:
  0  valid (warnings allowed unless --deny-warnings)
  1  parse or validation errors (or warnings with --deny-warnings), or a file could not be read
  2  usage error`,
    )
    .action(async (opts: ValidateOptions) => ctx.exit(await runValidate(ctx, opts)));
};
