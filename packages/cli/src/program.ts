/**
 * @module program
 * The `mandate` program: commander with every command registered, output routed to the
 * injected streams, and every way out turned into an exit code — commander's own usage
 * errors become 2 (commander says 1), `--help`/`--version` 0, a {@link CliError} its code,
 * anything else 1 with its message and no stack (set `MANDATE_DEBUG=1` for one).
 */
import { Command, CommanderError } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { type CommandContext, commandContext } from './command.js';
import { registerAuthorize } from './commands/authorize.js';
import { registerBundle } from './commands/bundle.js';
import { registerExplain } from './commands/explain.js';
import { registerFormat } from './commands/format.js';
import { registerImpact } from './commands/impact.js';
import { registerReceipt } from './commands/receipt.js';
import { registerTest } from './commands/test.js';
import { registerValidate } from './commands/validate.js';
import { describeError } from './errors.js';
import { EXIT, EXIT_CODES_HELP, type ExitCode } from './exit-codes.js';
import { type CliIo, colorEnabled, processIo } from './io.js';

export const VERSION: string = pkg.version;

function buildProgram(io: CliIo, exit: (code: ExitCode) => void): Command {
  const program = new Command('mandate');
  let colorFlag: boolean | undefined;
  const ctx: CommandContext = {
    ...commandContext(io, { exit }),
    color: (stream) => colorEnabled(io, stream, colorFlag),
  };
  program
    .description('Cedar policies for AI agents: validate, format, bundle, authorize, explain, test and impact')
    .version(VERSION, '-V, --version', 'print the version')
    .option('--no-color', 'no colour in output (also: NO_COLOR=1; FORCE_COLOR=1 forces it)')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s),
    })
    .addHelpText(
      'after',
      `\nRun \`mandate <command> --help\` for a command's options and examples.\n${EXIT_CODES_HELP}`,
    )
    .hook('preAction', (root) => {
      colorFlag = root.opts<{ color?: boolean }>().color === false ? false : undefined;
    });
  // Sub-commands copy the settings above (exit override, output, help) when created.
  for (const register of [
    registerValidate,
    registerFormat,
    registerBundle,
    registerAuthorize,
    registerExplain,
    registerTest,
    registerImpact,
    registerReceipt,
  ]) {
    register(program, ctx);
  }
  return program;
}

/**
 * Run `mandate` with `argv` (the arguments after the program name) and resolve to the exit
 * code. Never throws and never calls `process.exit`: output goes to `io`'s streams.
 */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let code: ExitCode = EXIT.OK;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; everything else commander refuses is a usage error.
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    const debug = io.env.MANDATE_DEBUG !== undefined && io.env.MANDATE_DEBUG !== '' && io.env.MANDATE_DEBUG !== '0';
    const { lines, exitCode } = describeError(e, debug);
    io.stderr.write(`${lines.join('\n')}\n`);
    return exitCode;
  }
}
