/**
 * @module shadow
 * Comparing a shadow (candidate) policy set's answer with the live one. A divergence is a
 * different decision, or with `compare: 'reasons'` also different determining policies or a
 * different number of erroring policies — what a reviewer of a policy change needs to see
 * before the candidate goes live.
 */
import type { Decision } from '@mandate/core';

export type ShadowCompare = 'decision' | 'reasons';

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  for (const x of b) if (!s.has(x)) return false;
  return true;
}

/** Whether the shadow's decision diverges from the live one. */
export function diverges(live: Decision, shadow: Decision, compare: ShadowCompare): boolean {
  if (live.decision !== shadow.decision) return true;
  if (compare === 'decision') return false;
  return !sameSet(live.reasons, shadow.reasons) || live.errors.length !== shadow.errors.length;
}
