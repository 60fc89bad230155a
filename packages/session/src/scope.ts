/**
 * @module scope
 * Resource scopes of an intent mandate: path globs and host patterns, and whether a call's
 * paths and hosts fall inside them. Cedar's `like` can test one pattern, not "any pattern of
 * this set", so scope matching happens here, before the policies run.
 *
 * Path globs: `*` matches any run of characters within one segment, `?` one character,
 * `**` any number of whole segments (including none). Paths are normalized first, so
 * `/work/app/../../etc/passwd` is `/etc/passwd` and cannot sneak in under `/work/app/**`;
 * a relative path that climbs out (`../x`) matches nothing. Matching is a dynamic program
 * over segments and characters: time is bounded by the product of the lengths, never
 * exponential, and lengths are capped.
 *
 * Host patterns: an exact host name, `*.example.com` (any subdomain, not the apex) or `*`
 * (any host). Names are compared case-insensitively, without a trailing dot.
 */
import { posix } from 'node:path';

/** Longest path or pattern considered; longer ones match nothing. */
export const MAX_SCOPE_LENGTH = 4096;

/** A path in the form it is matched in, or `undefined` when it can never be in scope. */
export function normalizePath(path: string): string | undefined {
  if (path === '' || path.length > MAX_SCOPE_LENGTH || path.includes('\0')) return undefined;
  let p = posix.normalize(path);
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  if (p === '..' || p.startsWith('../')) return undefined;
  return p;
}

/** Whether `path` matches the glob `pattern`. */
export function pathMatches(pattern: string, path: string): boolean {
  const p = normalizePath(path);
  if (p === undefined || pattern.length > MAX_SCOPE_LENGTH) return false;
  const pat = pattern.split('/');
  const seg = p.split('/');
  // can[i][j]: pattern segments from i match path segments from j.
  const rows = pat.length + 1;
  const cols = seg.length + 1;
  const can = new Uint8Array(rows * cols);
  can[pat.length * cols + seg.length] = 1;
  for (let i = pat.length - 1; i >= 0; i--) {
    const ps = pat[i] as string;
    for (let j = seg.length; j >= 0; j--) {
      let ok = false;
      if (ps === '**') ok = can[(i + 1) * cols + j] === 1 || (j < seg.length && can[i * cols + j + 1] === 1);
      else ok = j < seg.length && can[(i + 1) * cols + j + 1] === 1 && segmentMatches(ps, seg[j] as string);
      can[i * cols + j] = ok ? 1 : 0;
    }
  }
  return can[0] === 1;
}

/** `*` and `?` within one segment; the classic two-pointer walk, linear in practice and O(n·m) at worst. */
function segmentMatches(pattern: string, s: string): boolean {
  let pi = 0;
  let si = 0;
  let star = -1;
  let mark = 0;
  while (si < s.length) {
    const c = pattern[pi];
    if (c === '?' || (c !== undefined && c !== '*' && c === s[si])) {
      pi++;
      si++;
    } else if (c === '*') {
      star = pi++;
      mark = si;
    } else if (star >= 0) {
      pi = star + 1;
      si = ++mark;
    } else return false;
  }
  while (pattern[pi] === '*') pi++;
  return pi === pattern.length;
}

/** A host name in the form it is compared in. */
export function normalizeHost(host: string): string {
  const h = host.toLowerCase();
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/** Whether `host` matches `pattern` (`example.com`, `*.example.com` or `*`). */
export function hostMatches(pattern: string, host: string): boolean {
  const p = normalizeHost(pattern);
  const h = normalizeHost(host);
  if (h === '') return false;
  if (p === '*') return true;
  if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  return p === h;
}

/** Where a call reaches: the paths it touches, the hosts it talks to, and what it spends. */
export interface CallScope {
  readonly paths?: readonly string[] | undefined;
  readonly hosts?: readonly string[] | undefined;
  /** Amount spent, in minor units (cents). */
  readonly amount?: bigint | undefined;
  /** Currency of `amount` (ISO 4217); when given, it must be the budget's. */
  readonly currency?: string | undefined;
}
