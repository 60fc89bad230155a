/**
 * @module errors
 * The typed error a guarded tool throws (with `onDeny: 'throw'`, the default) and the errors
 * of setting tools up. The AI SDK turns an error thrown by `execute` into a `tool-error`
 * the model reads, so a denial reaches the model as the tool's failure, with the message.
 */
import type { GuardOutcome } from '@mandate/session';

export type MandateToolErrorKind =
  /** Mandate denied the call */
  | 'denied'
  /** the call needs a human's approval and none (or none valid) was given */
  | 'needs-approval'
  /** the output's taint labels could not be recorded, so the output is withheld */
  | 'record'
  /** a tool that cannot be guarded (no `execute`, or a provider-executed tool) */
  | 'config';

export class MandateToolError extends Error {
  override readonly name = 'MandateToolError';
  readonly kind: MandateToolErrorKind;
  /** The tool's name. */
  readonly tool: string;
  /** The decision, for `denied` and `needs-approval`. */
  readonly outcome: GuardOutcome | undefined;
  constructor(
    kind: MandateToolErrorKind,
    tool: string,
    message: string,
    options?: { cause?: unknown; outcome?: GuardOutcome },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.tool = tool;
    this.outcome = options?.outcome;
  }
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
