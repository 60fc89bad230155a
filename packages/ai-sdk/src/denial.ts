/**
 * @module denial
 * What a denied call gives the model instead of the tool's output. Two forms, chosen with
 * `onDeny`: a thrown {@link MandateToolError} (default; the SDK reports it to the model as a
 * tool error), or a result object the model reads as the tool's output (`'result'`), for
 * agents that should plan around a refusal rather than see a failure. Both say which
 * policies decided and why; neither leaks the session's state beyond that.
 */
import type { GuardOutcome } from '@mandate/session';
import { MandateToolError } from './errors.js';

/** The output of a denied call with `onDeny: 'result'`. */
export interface DenialOutput {
  readonly mandate: {
    readonly outcome: 'deny' | 'needs-approval';
    readonly tool: string;
    readonly reasons: readonly string[];
    readonly message: string;
    /** For needs-approval: what a human must approve (`binding` goes to the approval service). */
    readonly approval?: { readonly binding: Readonly<Record<string, string>>; readonly reasons: readonly string[] };
  };
}

export function denialOutput(tool: string, o: GuardOutcome): DenialOutput {
  const ob = o.obligations[0];
  return {
    mandate: {
      outcome: o.outcome === 'needs-approval' ? 'needs-approval' : 'deny',
      tool,
      reasons: [...o.reasons],
      message: denialMessage(tool, o),
      ...(ob === undefined ? {} : { approval: { binding: { ...ob.binding }, reasons: [...ob.reasons] } }),
    },
  };
}

export function denialMessage(tool: string, o: GuardOutcome): string {
  const policies = o.reasons.length > 0 ? ` (${o.reasons.map((r) => `\`${r}\``).join(', ')})` : '';
  if (o.outcome === 'needs-approval') {
    const why = o.obligations.flatMap((ob) => ob.reasons);
    return `mandate: \`${tool}\` needs a human's approval${policies}${why.length > 0 ? `: ${why.join('; ')}` : ''}${
      o.approvalError === undefined ? '' : ` (approval refused: ${o.approvalError.message})`
    }`;
  }
  return `mandate denied \`${tool}\`${policies}: ${o.message}`;
}

export function denialError(tool: string, o: GuardOutcome): MandateToolError {
  return new MandateToolError(
    o.outcome === 'needs-approval' ? 'needs-approval' : 'denied',
    tool,
    denialMessage(tool, o),
    {
      outcome: o,
    },
  );
}
