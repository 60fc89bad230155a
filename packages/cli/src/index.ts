/**
 * @module @mandate/cli
 * The `mandate` command line, also callable in-process: `run(argv, io)` resolves to the exit
 * code with output written to `io`'s streams; each command's `run…` function takes typed
 * options and a {@link CommandContext}.
 */
export { type CommandContext, commandContext } from './command.js';
export { type AuthorizeOptions, type AuthorizeResult, runAuthorize } from './commands/authorize.js';
export { type BundleOptions, type BundleResult, runBundle } from './commands/bundle.js';
export { type ExplainOptions, runExplain } from './commands/explain.js';
export { type FormatFileResult, type FormatOptions, runFormat } from './commands/format.js';
export {
  type ImpactChange,
  type ImpactOptions,
  type ImpactResult,
  type ImpactSide,
  requestDigest,
  runImpact,
} from './commands/impact.js';
export { REPORTERS, type Reporter, runTest, type TestOptions } from './commands/test.js';
export { runValidate, type ValidateOptions, type ValidateProblem, type ValidateResult } from './commands/validate.js';
export { CliError, type FileLocation, UsageError } from './errors.js';
export { EXIT, type ExitCode } from './exit-codes.js';
export { type CliIo, type OutputStream, processIo } from './io.js';
export { run, VERSION } from './program.js';
