/**
 * @module commands/authorize
 * `mandate authorize`: decide one request against policy files, entities and an optional
 * schema — or against a bundle written by `mandate bundle` (`--bundle`: no Cedar text parsed,
 * cedar-wasm never loaded) — and print the decision with the policies that determined it (id,
 * `@id`, where they are written) and the policies that errored. The exit code carries the
 * decision: 0 allow, 3 deny, 1 when the request could not be decided at all.
 */
import type { AuthorizationRequest, Decision, PolicySet } from '@mandate/core';
import type { Command } from 'commander';
import { type CommandContext, type RegisterCommand, writeJson } from '../command.js';
import {
  addPolicyOptions,
  addRequestOptions,
  checkPolicyInputs,
  loadAuthorizer,
  type PolicyInputs,
  type PolicyRef,
  policyRef,
  type RequestOptions,
  requestFromOptions,
  showPolicy,
} from '../decide.js';
import type { Locator } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { style } from '../io.js';
import { showUid } from '../request.js';

export interface AuthorizeOptions extends PolicyInputs, RequestOptions {
  readonly json?: boolean;
}

/** The decision as `--json` prints it. */
export interface AuthorizeResult {
  readonly decision: 'allow' | 'deny';
  readonly reasons: readonly string[];
  readonly determining: readonly PolicyRef[];
  readonly errors: readonly { readonly policyId: string; readonly message: string; readonly policy: PolicyRef }[];
  readonly failure?: { readonly message: string };
  readonly request: { readonly principal: string; readonly action: string; readonly resource: string };
}

export function decisionResult(
  d: Decision,
  request: AuthorizationRequest,
  sources: Locator,
  policySet: PolicySet,
): AuthorizeResult {
  return {
    decision: d.decision,
    reasons: d.reasons,
    determining: d.determining.map((p) => policyRef(p.id, sources, p)),
    errors: d.errors.map((e) => ({
      policyId: e.policyId,
      message: e.message,
      policy: policyRef(e.policyId, sources, policySet.get(e.policyId)),
    })),
    ...(d.failure ? { failure: { message: d.failure.message } } : {}),
    request: {
      principal: showUid(request.principal),
      action: showUid(request.action),
      resource: showUid(request.resource),
    },
  };
}

/** 0 allow, 3 deny, 1 when the request was rejected before any policy ran. */
export function decisionExitCode(d: Decision): ExitCode {
  if (d.failure) return EXIT.FAILURE;
  return d.decision === 'allow' ? EXIT.OK : EXIT.DENY;
}

export async function runAuthorize(ctx: CommandContext, o: AuthorizeOptions): Promise<ExitCode> {
  const { io } = ctx;
  checkPolicyInputs(o);
  const request = requestFromOptions(io, o);
  const { authorizer, sources } = loadAuthorizer(io, o);
  const d = authorizer.authorize(request);
  const r = decisionResult(d, request, sources, authorizer.policySet);
  if (o.json) {
    writeJson(io.stdout, r);
  } else {
    const s = style(ctx.color(io.stdout));
    const head = r.decision === 'allow' ? s.green(s.bold('ALLOW')) : s.red(s.bold('DENY'));
    io.stdout.write(`${head}  ${r.request.principal} ${r.request.action} ${r.request.resource}\n`);
    if (r.failure) io.stdout.write(`  ${s.red('request rejected')}: ${r.failure.message}\n`);
    else if (r.determining.length === 0) {
      io.stdout.write(`  ${s.dim('no policy applies: denied by default')}\n`);
    } else {
      io.stdout.write(`  determined by:\n`);
      for (const p of r.determining) io.stdout.write(`    ${p.effect ?? ''} ${showPolicy(p)}\n`);
    }
    if (r.errors.length > 0) {
      io.stdout.write(`  ${s.yellow('errors')} (these policies were skipped):\n`);
      for (const e of r.errors) io.stdout.write(`    ${showPolicy(e.policy)}: ${e.message}\n`);
    }
  }
  if (r.failure) io.stderr.write(`error: request rejected: ${r.failure.message}\n`);
  return decisionExitCode(d);
}

export const DECISION_EXIT_HELP = `
Exit codes:
  0  allow
  1  failure: an input could not be loaded, or the request was rejected (e.g. it does not match the schema)
  2  usage error
  3  deny`;

export const registerAuthorize: RegisterCommand = (program: Command, ctx: CommandContext) => {
  const cmd = program.command('authorize').description('decide one request and print the decision and its reasons');
  addPolicyOptions(cmd);
  addRequestOptions(cmd)
    .option('--json', 'print the decision as JSON')
    .addHelpText(
      'after',
      `
Examples:
  mandate authorize --policies policies/ --entities entities.json \\
    --principal 'User::"alice"' --action 'Action::"read"' --resource 'File::"notes"'
  mandate authorize --policies policies/ --schema schema.cedarschema --request request.json --json
  mandate authorize --bundle policies.bundle.json --entities entities.json --request request.json

Give exactly one of --policies (with --schema, if any) and --bundle (it carries its schema).
${DECISION_EXIT_HELP}`,
    )
    .action(async (opts: AuthorizeOptions) => ctx.exit(await runAuthorize(ctx, opts)));
};
