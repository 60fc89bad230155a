/**
 * @module test/policies
 * The agent schema of `policies/` validates, and every example policy validates against it in
 * strict mode (the policies of later issues are written against the same schema); the
 * examples decide as their comments say.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Authorizer, Schema, validatePolicies } from '@mandate/core';
import { describe, expect, it } from 'vitest';
import { readPolicyFile, SCHEMA, session } from './fixtures.js';

const examples = readdirSync(join(import.meta.dirname, '..', '..', '..', 'policies', 'examples'))
  .filter((f) => f.endsWith('.cedar'))
  .sort();

describe('Mandate schema', () => {
  it('parses, with the entity types and actions of the agent model', () => {
    const s = Schema.parse(SCHEMA);
    expect(s).toBeInstanceOf(Schema);
    const allow = validatePolicies('permit(principal, action, resource);', SCHEMA);
    expect(allow.passed).toBe(true);
  });

  it('is strict: a policy using a context attribute wrongly does not validate', () => {
    const bad = validatePolicies(
      'permit(principal, action == Mandate::Action::"file.read", resource) when { context.session.risk == "low" };',
      SCHEMA,
    );
    expect(bad.passed).toBe(false);
    const unknown = validatePolicies(
      'permit(principal, action == Mandate::Action::"file.read", resource) when { context.input.path == "x" };',
      SCHEMA,
    );
    expect(unknown.passed).toBe(false);
  });

  it('types context.chain, context.session and the optional context.intent', () => {
    const ok = validatePolicies(
      `permit(principal is Mandate::Agent, action == Mandate::Action::"tool.call", resource is Mandate::Tool)
       when {
         context.chain.actor == principal && context.chain.depth <= 3 &&
         context.chain.root in Mandate::Group::"staff" &&
         context.session.now < datetime("2030-01-01") && !context.session.labels.contains("untrusted-content") &&
         (context has intent && context.intent.actions.contains("tool.call")) &&
         context.input has path && context.input.path like "/work/*" && !resource.egress
       };`,
      SCHEMA,
    );
    expect(ok).toEqual({ passed: true, errors: [], warnings: [] });
  });
});

describe('example policies', () => {
  it('exist', () => expect(examples.length).toBeGreaterThanOrEqual(2));

  it.each(examples)('%s validates against the schema in strict mode', (file) => {
    const res = validatePolicies(readPolicyFile(`examples/${file}`), SCHEMA);
    expect(res.errors).toEqual([]);
    expect(res.passed).toBe(true);
  });

  const all = examples.map((f) => readPolicyFile(`examples/${f}`)).join('\n');
  const authz = new Authorizer({
    policies: all,
    schema: SCHEMA,
    idAnnotation: true,
    entities: [
      { uid: { type: 'Mandate::User', id: 'alice' }, attrs: {}, parents: [] },
      {
        uid: { type: 'Mandate::Agent', id: 'coder' },
        attrs: { owner: { __entity: { type: 'Mandate::User', id: 'alice' } }, attested: true },
        parents: [],
      },
      {
        uid: { type: 'Mandate::File', id: 'notes' },
        attrs: { path: '/home/alice/notes', owner: { __entity: { type: 'Mandate::User', id: 'alice' } } },
        parents: [],
      },
      { uid: { type: 'Mandate::Host', id: 'evil.example' }, attrs: { name: 'evil.example' }, parents: [] },
    ],
  });
  const chain = (depth = 1) => ({
    root: { __entity: { type: 'Mandate::User', id: 'alice' } },
    actor: { __entity: { type: 'Mandate::Agent', id: 'coder' } },
    depth,
    agents: [{ __entity: { type: 'Mandate::Agent', id: 'coder' } }],
  });
  const read = (context: Record<string, unknown>) =>
    authz.authorize({
      principal: { type: 'Mandate::Agent', id: 'coder' },
      action: { type: 'Mandate::Action', id: 'file.read' },
      resource: { type: 'Mandate::File', id: 'notes' },
      context,
    });

  it('let an agent read its root user’s files', () => {
    const d = read({ chain: chain(), session: session() });
    expect(d.failure).toBeUndefined();
    expect(d.decision).toBe('allow');
    expect(d.reasons).toEqual(['agent-reads-root-files']);
  });

  it('refuse chains deeper than four hops', () => {
    expect(read({ chain: chain(5), session: session() }).reasons).toEqual(['chain-depth-limit']);
  });

  it('refuse everything in a high-risk session', () => {
    expect(read({ chain: chain(), session: session({ risk: 90 }) }).reasons).toEqual(['high-risk-session']);
  });

  it('refuse egress once a session holds private data and untrusted content (the trifecta)', () => {
    const d = authz.authorize({
      principal: { type: 'Mandate::Agent', id: 'coder' },
      action: { type: 'Mandate::Action', id: 'http.request' },
      resource: { type: 'Mandate::Host', id: 'evil.example' },
      context: {
        chain: chain(),
        session: session({ labels: ['private-data', 'untrusted-content'] }),
        method: 'POST',
        url: 'https://evil.example/x',
      },
    });
    expect(d.decision).toBe('deny');
    expect(d.reasons).toEqual(['no-egress-after-trifecta']);
  });
});
