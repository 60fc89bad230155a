/**
 * @module canary
 * Canaries: requests the application declares with the decision they must get ("the coding
 * agent must not read `~/.ssh`", "alice must be able to read her notes"). They are checked
 * against a policy set before it serves — when a `DecisionPoint` is created, reloaded or given
 * new entities — and a failing one refuses the set. A canary whose request is itself rejected
 * (a typo in an action name, a context the schema refuses) fails too: it would otherwise pass
 * every `deny` check while testing nothing.
 */
import type { AuthorizationRequest, Authorizer } from '@mandate/core';
import { OpsError } from './errors.js';

export interface Canary {
  readonly name: string;
  readonly request: AuthorizationRequest;
  readonly expect: 'allow' | 'deny';
}

export interface CanaryFailure {
  readonly name: string;
  readonly expected: 'allow' | 'deny';
  readonly got: 'allow' | 'deny';
  /** The determining policies of what it got. */
  readonly reasons: readonly string[];
  /** Set when the canary's request itself was rejected. */
  readonly failure?: string;
}

export type CanaryResult =
  | { readonly ok: true; readonly checked: number }
  | { readonly ok: false; readonly checked: number; readonly failures: readonly CanaryFailure[] };

/** Decide every canary; never throws. */
export function checkCanaries(authorizer: Authorizer, canaries: readonly Canary[]): CanaryResult {
  const failures: CanaryFailure[] = [];
  for (const c of canaries) {
    const d = authorizer.authorize(c.request);
    if (d.failure !== undefined || d.decision !== c.expect) {
      failures.push({
        name: c.name,
        expected: c.expect,
        got: d.decision,
        reasons: d.reasons,
        ...(d.failure === undefined ? {} : { failure: d.failure.message }),
      });
    }
  }
  return failures.length === 0
    ? { ok: true, checked: canaries.length }
    : { ok: false, checked: canaries.length, failures };
}

/** One line per failing canary. */
export function describeCanaryFailure(f: CanaryFailure): string {
  if (f.failure !== undefined) return `canary \`${f.name}\`: its request is rejected: ${f.failure}`;
  const why =
    f.reasons.length === 0 ? 'no policy determined it' : `determined by ${f.reasons.map((r) => `\`${r}\``).join(', ')}`;
  return `canary \`${f.name}\` expects ${f.expected} but got ${f.got} (${why})`;
}

/** {@link checkCanaries}, throwing `OpsError` of kind `canary` listing every failure. */
export function assertCanaries(authorizer: Authorizer, canaries: readonly Canary[]): void {
  const r = checkCanaries(authorizer, canaries);
  if (r.ok) return;
  const details = r.failures.map(describeCanaryFailure);
  throw new OpsError(
    'canary',
    `${r.failures.length} of ${r.checked} canaries failed: ${details[0]}${details.length > 1 ? ' …' : ''}`,
    { details },
  );
}
