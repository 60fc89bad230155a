/**
 * @module commands/test
 * `mandate test`: run policy test files (`cedar run-tests` JSON, or Mandate's YAML form)
 * with `@mandate/testing`'s `runTestFiles`, and report with its `formatReport` in the
 * reporter asked for (human, json, junit, github annotations), to stdout or `--output FILE`.
 * Fails on any failing case or a coverage threshold missed.
 *
 * `@mandate/testing` is imported when the command runs, not when the CLI loads, so the other
 * commands do not pay for loading it.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CommandContext, RegisterCommand } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { resolvePath } from '../io.js';
import { byExtension, expandPaths } from '../sources.js';

export const REPORTERS = ['human', 'json', 'junit', 'github'] as const;
export type Reporter = (typeof REPORTERS)[number];

export interface TestOptions {
  /** Test files, or directories searched for `*.test.json`, `*.test.yaml` and `*.test.yml`. */
  readonly files: readonly string[];
  readonly policies?: string;
  readonly schema?: string;
  readonly entities?: string;
  readonly idAnnotation?: boolean;
  readonly coverageThreshold?: number;
  /** Policy files or directories coverage must account for, tested or not. */
  readonly coverageOf?: readonly string[];
  readonly reporter?: string;
  readonly output?: string;
}

const isTestFile = (name: string): boolean => /\.test\.(json|ya?ml)$/.test(name);

export async function runTest(ctx: CommandContext, o: TestOptions): Promise<ExitCode> {
  const { io } = ctx;
  const reporter = o.reporter ?? 'human';
  if (!(REPORTERS as readonly string[]).includes(reporter)) {
    throw new UsageError(
      `unknown reporter \`${reporter}\`; expected one of ${REPORTERS.map((r) => `\`${r}\``).join(', ')}`,
    );
  }
  const files = expandPaths(io, o.files, isTestFile);
  if (files.length === 0)
    throw new UsageError(`no test files (\`*.test.json\`, \`*.test.yaml\`) in \`${o.files.join('`, `')}\``);
  const testing = await import('@mandate/testing');
  const abs = (p: string) => resolvePath(io, p);
  // A test file that cannot be read or loaded is not thrown: it comes back as an errored case.
  const result = await testing.runTestFiles(files, {
    ...(o.policies !== undefined ? { policies: abs(o.policies) } : {}),
    ...(o.schema !== undefined ? { schema: abs(o.schema) } : {}),
    ...(o.entities !== undefined ? { entities: abs(o.entities) } : {}),
    ...(o.idAnnotation !== undefined ? { idAnnotation: o.idAnnotation } : {}),
    ...(o.coverageThreshold !== undefined ? { coverageThreshold: o.coverageThreshold } : {}),
    ...(o.coverageOf !== undefined && o.coverageOf.length > 0
      ? { coverageOf: expandPaths(io, o.coverageOf, byExtension('.cedar')).map(abs) }
      : {}),
  });
  const toFile = o.output !== undefined;
  const report = testing.formatReport(result, reporter as Reporter, { color: !toFile && ctx.color(io.stdout) });
  const text = report.endsWith('\n') ? report : `${report}\n`;
  if (toFile) {
    try {
      writeFileSync(resolvePath(io, o.output as string), text);
    } catch (e) {
      throw new CliError(`cannot write report \`${o.output}\`: ${e instanceof Error ? e.message : String(e)}`);
    }
    // CI logs read a closing `N passed, N failed` line whatever the report file holds.
    io.stdout.write(`${result.passed} passed, ${result.failed} failed\n`);
  } else io.stdout.write(text);
  if (!result.thresholdMet) {
    io.stderr.write(`error: coverage is below the threshold of ${o.coverageThreshold}%\n`);
  }
  return result.failed > 0 || !result.thresholdMet ? EXIT.FAILURE : EXIT.OK;
}

const percentage = (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new UsageError(`coverage threshold \`${v}\` is not a percentage between 0 and 100`);
  }
  return n;
};

export const registerTest: RegisterCommand = (program: Command, ctx: CommandContext) => {
  program
    .command('test')
    .description('run policy test files and report results and coverage')
    .argument('<files...>', 'test files, or directories of `*.test.json` / `*.test.yaml` files')
    .option('--policies <file>', 'Cedar policies, for test files that name none')
    .option('--schema <file>', 'Cedar schema, for test files that name none')
    .option('--entities <file>', 'entities JSON file, for cases that name none')
    .option('--id-annotation', 'use @id("…") annotations as policy ids, for test files that do not say')
    .option('--coverage-threshold <percent>', 'fail when policy coverage is below this percentage', percentage)
    .option(
      '--coverage-of <paths...>',
      'policy files or directories (`*.cedar`) coverage counts even when no test file loads them',
    )
    .option('--reporter <name>', `report format: ${REPORTERS.join(', ')}`, 'human')
    .option('--output <file>', 'write the report to a file (stdout then gets a one-line summary)')
    .addHelpText(
      'after',
      `
Examples:
  mandate test policies/tests/ --policies policies/agent.cedar --schema policies/schema/mandate.cedarschema
  mandate test policies/tests/ --coverage-threshold 90 --reporter junit --output junit.xml
  mandate test policies/tests/ --reporter github     # annotations on the pull request
  mandate test policies/tests/ --coverage-of policies/ --coverage-threshold 95   # untested files count

Exit codes:
  0  all tests passed (and coverage met the threshold)
  1  a test failed or could not run, or coverage is below the threshold
  2  usage error`,
    )
    .action(async (files: string[], opts: Omit<TestOptions, 'files'>) =>
      ctx.exit(await runTest(ctx, { ...opts, files })),
    );
};
