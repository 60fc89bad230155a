/**
 * @module commands/receipt
 * `mandate receipt verify`: check Ed25519-signed decision receipts (`@mandate/ops`) offline,
 * with nothing but the signer's public key. A file holds one receipt (a JSON object), an array
 * of them, or JSON lines (a receipts log); every receipt must verify. Lines of a log that are
 * not receipts (the log's own `mandate.log.dropped` notices) are counted, not verified.
 */
import type { verifyReceipt as VerifyReceipt } from '@mandate/ops';
import type { Command } from 'commander';
import { type CommandContext, type RegisterCommand, writeJson } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { style } from '../io.js';
import { displayPath, readText } from '../sources.js';

export interface ReceiptVerifyOptions {
  readonly key: string;
  readonly json?: boolean;
}

export interface ReceiptCheck {
  readonly file: string;
  /** 1-based line of a JSON-lines file, or the index in an array (0-based) / 0 for one object. */
  readonly at: number;
  readonly ok: boolean;
  readonly id?: string;
  readonly reason?: string;
}

/** The receipts in one file's text, with where each sits. */
function receiptsIn(text: string, file: string): { at: number; value: unknown }[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[')) {
    const all = parse(trimmed, file, undefined);
    if (!Array.isArray(all)) throw new CliError(`\`${file}\` is not a receipt, an array of receipts or JSON lines`);
    return all.map((value, at) => ({ at, value }));
  }
  const lines = text.split('\n');
  const out: { at: number; value: unknown }[] = [];
  // One object over several lines (a pretty-printed receipt) is one receipt.
  if (lines.filter((l) => l.trim() !== '').length > 1 && !lines[0]?.trim().endsWith('}')) {
    return [{ at: 0, value: parse(trimmed, file, undefined) }];
  }
  lines.forEach((line, i) => {
    if (line.trim() !== '') out.push({ at: i + 1, value: parse(line, file, i + 1) });
  });
  return out;
}

function parse(text: string, file: string, line: number | undefined): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const where = line === undefined ? `\`${file}\`` : `\`${file}\` line ${line}`;
    throw new CliError(`${where} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const isLogNotice = (v: unknown): boolean =>
  typeof v === 'object' &&
  v !== null &&
  !('signature' in v) &&
  String((v as { type?: unknown }).type).startsWith('mandate.log.');

export async function runReceiptVerify(
  ctx: CommandContext,
  files: readonly string[],
  o: ReceiptVerifyOptions,
): Promise<ExitCode> {
  const { io } = ctx;
  if (files.length === 0) throw new UsageError('name at least one receipts file');
  const key = readText(io, o.key, 'public key');
  // @mandate/ops is loaded by this command only: every other command starts without it.
  const { verifyReceipt } = await import('@mandate/ops');
  const checks: ReceiptCheck[] = [];
  let notices = 0;
  for (const f of files) {
    const file = displayPath(io, f);
    for (const { at, value } of receiptsIn(readText(io, f, 'receipts'), file)) {
      if (isLogNotice(value)) {
        notices++;
        continue;
      }
      let r: ReturnType<typeof VerifyReceipt>;
      try {
        r = verifyReceipt(value, key);
      } catch (e) {
        throw new CliError(
          `cannot use \`${o.key}\` as an Ed25519 public key: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      const id = typeof (value as { id?: unknown })?.id === 'string' ? (value as { id: string }).id : undefined;
      checks.push({
        file,
        at,
        ok: r.ok,
        ...(id === undefined ? {} : { id }),
        ...(r.ok ? {} : { reason: r.reason }),
      });
    }
  }
  const failed = checks.filter((c) => !c.ok);
  if (o.json)
    writeJson(io.stdout, { valid: failed.length === 0, verified: checks.length - failed.length, failed, notices });
  else {
    const s = style(ctx.color(io.stdout));
    for (const c of failed) {
      const where = c.at === 0 ? c.file : `${c.file}:${c.at}`;
      io.stdout.write(`${s.red('invalid')} ${where}${c.id ? ` (${c.id})` : ''}: ${c.reason}\n`);
    }
    const summary = `${checks.length - failed.length} of ${checks.length} receipts verified${notices > 0 ? ` (${notices} log notices skipped)` : ''}`;
    io.stdout.write(`${failed.length === 0 ? s.green(summary) : summary}\n`);
  }
  if (checks.length === 0) {
    io.stderr.write('error: no receipts found\n');
    return EXIT.FAILURE;
  }
  return failed.length === 0 ? EXIT.OK : EXIT.FAILURE;
}

export const registerReceipt: RegisterCommand = (program: Command, ctx: CommandContext) => {
  const receipt = program.command('receipt').description('signed decision receipts (@mandate/ops)');
  receipt
    .command('verify')
    .description('verify Ed25519-signed decision receipts offline with the signer’s public key')
    .argument('<files...>', 'receipt files: one JSON receipt, an array, or JSON lines (a receipts log)')
    .requiredOption('--key <file>', 'the signer’s Ed25519 public key (SPKI PEM)')
    .option('--json', 'print { valid, verified, failed, notices } as JSON')
    .addHelpText(
      'after',
      `
Example:
  mandate receipt verify --key receipts.pub.pem receipts.jsonl

Exit codes: 0 every receipt verified; 1 a receipt did not verify, or none was found; 2 usage.`,
    )
    .action(async (files: string[], opts: ReceiptVerifyOptions) => ctx.exit(await runReceiptVerify(ctx, files, opts)));
};
