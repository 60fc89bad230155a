/**
 * @module compile/like
 * Cedar's `like`: `*` matches any run of characters (newlines included), everything else is
 * literal. Matching is greedy by segment — the first segment anchors at the start, the last
 * at the end, and each middle segment is taken at its earliest occurrence — which is exact
 * for patterns whose only wildcard is `*`, and never backtracks: time is linear in the input
 * for each segment searched, so no pattern can make a decision hang.
 */
import type { LikePattern } from '../ir/nodes.js';

export type LikeMatcher = (s: string) => boolean;

export function compileLike(pattern: LikePattern): LikeMatcher {
  const segs = pattern.segments;
  if (segs.length === 1) {
    const only = segs[0] as string;
    return (s) => s === only;
  }
  const first = segs[0] as string;
  const last = segs[segs.length - 1] as string;
  const middle = segs.slice(1, -1).filter((m) => m.length > 0);
  const minLength = first.length + last.length + middle.reduce((n, m) => n + m.length, 0);
  if (middle.length === 0) {
    return (s) => s.length >= first.length + last.length && s.startsWith(first) && s.endsWith(last);
  }
  return (s) => {
    if (s.length < minLength || !s.startsWith(first)) return false;
    const end = s.length - last.length;
    if (!s.endsWith(last)) return false;
    let pos = first.length;
    for (const m of middle) {
      const at = s.indexOf(m, pos);
      if (at < 0 || at + m.length > end) return false;
      pos = at + m.length;
    }
    return true;
  };
}
