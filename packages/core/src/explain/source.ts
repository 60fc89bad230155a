/**
 * @module explain/source
 * Where each policy sits in the policy-set text it was compiled from. The compiled set keeps
 * its input but not per-policy positions, so the text is scanned again with the front end's
 * own statement scanner: statements come in text order, static policies in the order of
 * `staticIR` and templates in the order of `templates`, which is how the set was built.
 */
import type { PolicySet } from '../compile/policy-set.js';
import { scanStatements } from '../frontend/scan.js';
import { lineColumn } from '../text/utf8.js';
import type { PolicySource } from './types.js';

const cache = new WeakMap<PolicySet, ReadonlyMap<string, PolicySource>>();

/** Policy (and template) id → where it is; empty when the set did not come from text. */
export function policySources(set: PolicySet): ReadonlyMap<string, PolicySource> {
  let found = cache.get(set);
  if (found === undefined) {
    found = locate(set);
    cache.set(set, found);
  }
  return found;
}

function locate(set: PolicySet): ReadonlyMap<string, PolicySource> {
  const out = new Map<string, PolicySource>();
  const text = set.source;
  if (typeof text !== 'string') return out;
  let statements: ReturnType<typeof scanStatements>;
  try {
    statements = scanStatements(text);
  } catch {
    return out;
  }
  const templateIds = [...set.templates.keys()];
  let s = 0;
  let t = 0;
  for (const stmt of statements) {
    const id = stmt.isTemplate ? templateIds[t++] : set.staticIR[s++]?.id;
    if (id === undefined) break; // the scan and the set disagree: give no positions rather than wrong ones
    const body = stmt.text.trimEnd();
    out.set(id, { ...lineColumn(text, stmt.start), offset: stmt.start, length: body.length, text: body });
  }
  // A partial match would attach positions to the wrong policies.
  if (s !== set.staticIR.length || t !== templateIds.length) return new Map();
  return out;
}
