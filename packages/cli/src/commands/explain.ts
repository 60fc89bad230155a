/**
 * @module commands/explain
 * `mandate explain`: the same inputs as `authorize` (policy files or a bundle), answered with
 * why — every policy, its scope and each `when`/`unless` clause down to the sub-expressions
 * that decided it — through the core's `explain` and `formatExplanation`. `--json` prints the
 * core's `Explanation` object as is. Exit codes are `authorize`'s.
 *
 * The core is imported when the command runs (not at load), so that the other commands keep
 * working with a core that does not have `explain` (it arrived after them).
 */
import type { Command } from 'commander';
import { type CommandContext, type RegisterCommand, writeJson } from '../command.js';
import {
  addPolicyOptions,
  addRequestOptions,
  checkPolicyInputs,
  loadAuthorizer,
  type PolicyInputs,
  policyRef,
  type RequestOptions,
  requestFromOptions,
  showPolicy,
} from '../decide.js';
import { CliError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { DECISION_EXIT_HELP } from './authorize.js';

export interface ExplainOptions extends PolicyInputs, RequestOptions {
  readonly json?: boolean;
}

export async function runExplain(ctx: CommandContext, o: ExplainOptions): Promise<ExitCode> {
  const { io } = ctx;
  checkPolicyInputs(o);
  const request = requestFromOptions(io, o);
  const { authorizer, sources } = loadAuthorizer(io, o);
  const core = await import('@mandate/core');
  if (typeof core.explain !== 'function' || typeof core.formatExplanation !== 'function') {
    throw new CliError('this build of `@mandate/core` has no `explain`; update @mandate/core');
  }
  const explanation = core.explain(authorizer, request);
  if (o.json) writeJson(io.stdout, explanation);
  else {
    const text = core.formatExplanation(explanation, { color: ctx.color(io.stdout) });
    io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    // Where the determining policies are written: the explanation names them by id only.
    const located = explanation.determining.map((p) => policyRef(p.id, sources, p)).filter((p) => p.location);
    if (located.length > 0) {
      io.stdout.write(`\nwritten at:\n${located.map((p) => `  ${showPolicy(p)}\n`).join('')}`);
    }
  }
  if (explanation.failure) {
    io.stderr.write(`error: request rejected: ${explanation.failure.message}\n`);
    return EXIT.FAILURE;
  }
  return explanation.decision === 'allow' ? EXIT.OK : EXIT.DENY;
}

export const registerExplain: RegisterCommand = (program: Command, ctx: CommandContext) => {
  const cmd = program
    .command('explain')
    .description('decide one request and explain why: each policy, its scope and conditions');
  addPolicyOptions(cmd);
  addRequestOptions(cmd)
    .option('--json', 'print the Explanation object as JSON')
    .addHelpText(
      'after',
      `
Examples:
  mandate explain --policies policies/ --entities entities.json \\
    --principal 'User::"alice"' --action 'Action::"read"' --resource 'File::"notes"'
  mandate explain --bundle policies.bundle.json --entities entities.json --request request.json

Give exactly one of --policies (with --schema, if any) and --bundle (it carries its schema).
${DECISION_EXIT_HELP}`,
    )
    .action(async (opts: ExplainOptions) => ctx.exit(await runExplain(ctx, opts)));
};
