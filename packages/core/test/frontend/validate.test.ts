/**
 * @module test/frontend/validate
 * Strict validation through cedar-wasm: results carry Cedar's policy ids and messages (with
 * help), `assertValid` turns errors into a PolicyError of kind `validation`, and unparseable
 * input is a PolicyError of kind `parse`.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../src/errors.js';
import { assertValid, validatePolicies } from '../../src/frontend/validate.js';

const SCHEMA = `
entity Group;
entity User in [Group] { age: Long, name: String };
entity File { owner: User };
action read appliesTo { principal: [User], resource: [File], context: { ip: String } };
`;

const GOOD =
  'permit(principal, action == Action::"read", resource) when { principal.age > 18 && resource.owner == principal };';

function thrown(f: () => unknown): PolicyError {
  try {
    f();
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw e;
  }
  throw new Error('nothing thrown');
}

describe('validatePolicies', () => {
  it('passes policies that type-check', () => {
    expect(validatePolicies(GOOD, SCHEMA)).toEqual({ passed: true, errors: [], warnings: [] });
  });

  it('reports each failing policy by Cedar id with Cedar’s message, like cedar-wasm', () => {
    const text = `${GOOD}\npermit(principal, action, resource) when { principal.nope == 1 };\npermit(principal, action, resource) when { principal.age == "x" };`;
    const res = validatePolicies(text, SCHEMA);
    expect(res.passed).toBe(false);
    const wasm = cedar.validate({
      schema: SCHEMA,
      policies: { staticPolicies: text },
      validationSettings: { mode: 'strict' },
    });
    if (wasm.type !== 'success') throw new Error('cedar-wasm failed');
    expect(res.errors.map((e) => e.policyId)).toEqual(wasm.validationErrors.map((e) => e.policyId));
    expect(res.errors.map((e) => e.policyId)).toEqual(['policy1', 'policy2']);
    expect(res.errors[0]?.message).toContain('nope');
  });

  it('appends Cedar’s help to the message', () => {
    const res = validatePolicies('permit(principal == Usr::"a", action, resource);', SCHEMA);
    expect(res.passed).toBe(false);
    expect(res.errors[0]?.message).toMatch(/unrecognized entity type `Usr` \(did you mean `User`\?\)/);
  });

  it('accepts cedar-wasm PolicySet objects, keeping their ids', () => {
    const res = validatePolicies(
      { staticPolicies: { ok: GOOD, bad: 'permit(principal, action, resource) when { 1 };' } },
      SCHEMA,
    );
    expect(res.errors.map((e) => e.policyId)).toEqual(['bad']);
  });

  it('reports warnings without failing', () => {
    const text =
      'permit(principal, action, resource) when { principal.name == "abcаbc" };\npermit(principal, action, resource) when { principal is Group };';
    const res = validatePolicies(text, SCHEMA);
    expect(res.passed).toBe(true);
    expect(res.errors).toEqual([]);
    const byId = new Map(res.warnings.map((w) => [w.policyId, w.message]));
    expect([...byId.keys()].sort()).toEqual(['policy0', 'policy1']);
    expect(byId.get('policy0')).toContain('mixed scripts');
    expect(byId.get('policy1')).toContain('policy is impossible');
  });

  it('throws a parse PolicyError when the schema or the policies do not parse', () => {
    const s = thrown(() => validatePolicies(GOOD, 'entity User'));
    expect(s.kind).toBe('parse');
    expect(s.message).toMatch(/^cannot validate: /);
    expect(s.details.length).toBeGreaterThan(0);
    expect(thrown(() => validatePolicies('permit(principal, action, resource', SCHEMA)).kind).toBe('parse');
  });
});

describe('assertValid', () => {
  it('returns the result when valid', () => {
    expect(assertValid(GOOD, SCHEMA).passed).toBe(true);
  });

  it('throws a validation PolicyError naming the first failing policy and counting the rest', () => {
    const text = `permit(principal, action, resource) when { principal.nope };\n${GOOD}\npermit(principal, action, resource) when { 1 };`;
    const e = thrown(() => assertValid(text, SCHEMA));
    expect(e.kind).toBe('validation');
    expect(e.policyId).toBe('policy0');
    expect(e.message).toMatch(/^policy `policy0` does not validate: .*\(and 1 more\)$/);
    expect(e.details).toHaveLength(2);
    expect(e.details[1]).toMatch(/^policy2: /);
  });
});

describe('validation locations', () => {
  it('point at the offending expression, in UTF-16 indices, lines and columns, past non-ASCII text', () => {
    const text = `// é — comment\n${GOOD}\npermit(principal, action, resource) when { principal.nope };`;
    const res = validatePolicies(text, SCHEMA);
    const issue = res.errors[0];
    expect(issue?.location).toBeDefined();
    const loc = issue?.location as NonNullable<typeof issue>['location'] & object;
    expect(text.slice(loc.offset, loc.offset + loc.length)).toBe('principal.nope');
    const lines = text.split('\n');
    expect(loc.line).toBe(lines.length);
    expect(lines[loc.line - 1]?.slice(loc.column - 1)).toMatch(/^principal\.nope/);
    expect(thrown(() => assertValid(text, SCHEMA)).location).toEqual(loc);
  });

  it('are absent when the policies were not given as text', () => {
    const res = validatePolicies(
      { staticPolicies: 'permit(principal, action, resource) when { principal.nope };' },
      SCHEMA,
    );
    expect(res.errors[0]?.location).toBeUndefined();
  });
});
