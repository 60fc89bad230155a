/**
 * @module test/session
 * `context.session` from runtime facts: validated at the edge, accepted by the Authorizer over
 * the Mandate schema, and used by the example session policies.
 */
import { Authorizer } from '@mandate/core';
import { describe, expect, it } from 'vitest';
import { authorizeChain, buildChain, ChainError, sessionContext } from '../src/index.js';
import { readPolicyFile, SCHEMA } from './fixtures.js';

const authz = new Authorizer({
  policies: `${readPolicyFile('examples/session.cedar')}
    permit (principal, action == Mandate::Action::"secret.use", resource);`,
  schema: SCHEMA,
  idAnnotation: true,
  entities: [{ uid: { type: 'Mandate::Secret', id: 'gh' }, attrs: { hosts: ['api.github.com'] }, parents: [] }],
});
const chain = buildChain({ root: { id: 'alice' }, hops: [{ id: 'coder' }] });
const useSecret = (session: Record<string, unknown>) =>
  authorizeChain(authz, chain, {
    action: 'secret.use',
    resource: { type: 'Mandate::Secret', id: 'gh' },
    context: { session, host: 'api.github.com' },
  });

describe('sessionContext', () => {
  it('builds the record with ipaddr and datetime values', () => {
    const s = sessionContext({
      id: 's1',
      ip: '10.1.2.3',
      risk: 5,
      now: new Date(0),
      labels: ['a', 'a'],
    });
    expect(s).toEqual({
      id: 's1',
      ip: { __extn: { fn: 'ip', arg: '10.1.2.3' } },
      attested: false,
      risk: 5,
      now: { __extn: { fn: 'datetime', arg: '1970-01-01T00:00:00.000Z' } },
      labels: ['a'],
    });
  });

  it('feeds the session policies', () => {
    const corp = useSecret(sessionContext({ id: 's1', ip: '10.1.2.3', risk: 5 }));
    expect(corp.failure).toBeUndefined();
    expect(corp.decision).toBe('allow');
    const outside = useSecret(sessionContext({ id: 's1', ip: '203.0.113.9', risk: 5 }));
    expect(outside.deniedBy?.decision.reasons).toEqual(['secrets-from-corp-network']);
    const noIp = useSecret(sessionContext({ id: 's1', risk: 5 }));
    expect(noIp.decision).toBe('deny');
    const risky = useSecret(sessionContext({ id: 's1', ip: '10.0.0.1', risk: 80 }));
    expect(risky.deniedBy?.decision.reasons).toContain('high-risk-session');
  });

  it.each([
    [{ id: 's1', ip: '10.0.0.300', risk: 0 }, 'session.ip'],
    [{ id: 's1', ip: '10.0.0.0/8', risk: 0 }, 'session.ip'],
    [{ id: 's1', risk: 101 }, 'session.risk'],
    [{ id: 's1', risk: 1.5 }, 'session.risk'],
    [{ id: '', risk: 0 }, 'session.id'],
    [{ id: 's1', attested: 'yes', risk: 0 }, 'session.attested'],
    [{ id: 's1', attested: true, risk: 0 }, 'session.attested'],
    [{ id: 's1', attestation: { attested: true }, risk: 0 }, 'session.attestation'],
    [{ id: 's1', risk: 0, device: { compliant: 'yes' } }, 'session.device.compliant'],
    [{ id: 's1', risk: 0, device: { compliant: true, rooted: false } }, 'session.device'],
    [{ id: 's1', risk: 0, now: new Date(Number.NaN) }, 'session.now'],
  ])('refuses %j at %s', (input, path) => {
    let err: unknown;
    try {
      sessionContext(input as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ChainError);
    expect((err as ChainError).path).toBe(path);
  });
});

describe('sessionContext: device compliance', () => {
  it('adds the device record, managed defaulting to false', () => {
    const s = sessionContext({ id: 's1', risk: 0, now: new Date(0), device: { compliant: true, platform: 'linux' } });
    expect(s.device).toEqual({ compliant: true, managed: false, platform: 'linux' });
    expect(s.attested).toBe(false);
  });

  it('says where attestation comes from when `attested` is given', () => {
    let err: unknown;
    try {
      sessionContext({ id: 's1', attested: true, risk: 0 } as never);
    } catch (e) {
      err = e;
    }
    expect((err as ChainError).message).toContain('comes only from a verified attestation');
  });
});
