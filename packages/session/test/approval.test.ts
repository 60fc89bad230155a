/**
 * @module test/approval
 * The third outcome: a deny whose only reasons are forbids annotated `@approvable` is
 * `needs-approval`, with an obligation naming the exact call; a signed, short-lived approval
 * bound to that call (session, principal, action, resource, input digest) turns the re-check
 * into `allow` — once. Anything else stays refused.
 */
import { buildChain } from '@mandate/identity';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ApprovalError, digestOf, verifyApproval } from '../src/index.js';
import { APPROVER, AUDIENCE, approvalToken, at, chain, MINUTE, makeGuard, makeKeys, T0 } from './fixtures.js';

const del = (sessionId: string, path: string, approval?: string) =>
  ({
    sessionId,
    chain,
    tool: 'delete_file',
    input: { path },
    ...(approval === undefined ? {} : { approval }),
  }) as const;

describe('needs-approval', () => {
  it('is the outcome when an approvable forbid is the only reason, with the obligation to ask', async () => {
    const { guard } = await makeGuard();
    const r = await guard.check(del('a1', '/work/app/old.txt'));
    expect(r.outcome).toBe('needs-approval');
    expect(r.reasons).toEqual(['delete-needs-human']);
    expect(r.obligations).toEqual([
      {
        kind: 'approval',
        binding: {
          sessionId: 'a1',
          principal: 'Mandate::Agent::"runner"',
          action: 'Mandate::Action::"tool.call"',
          resource: 'Mandate::Tool::"delete_file"',
          input: digestOf({ path: '/work/app/old.txt' }),
        },
        policies: ['delete-needs-human'],
        reasons: ['deleting files needs a human', 'irreversible'],
      },
    ]);
    expect(r.binding).toEqual(r.obligations[0]?.binding);
  });

  it('is a plain deny when a non-approvable forbid also applies, or no policy permits a hop', async () => {
    const { guard, keys } = await makeGuard();
    const etc = await guard.check(del('a2', '/etc/hosts'));
    expect(etc.outcome).toBe('deny');
    expect(new Set(etc.reasons)).toEqual(new Set(['delete-needs-human', 'never-delete-etc']));
    const approval = await approvalToken(keys.approver, etc.binding as never);
    expect((await guard.check(del('a2', '/etc/hosts', approval))).outcome).toBe('deny');

    const rogue = buildChain({ root: { id: 'alice' }, hops: [{ id: 'rogue' }, { id: 'runner' }] });
    const r = await guard.check({ sessionId: 'a2', chain: rogue, tool: 'delete_file', input: { path: '/work/app/a' } });
    expect(r.outcome).toBe('deny');
    expect(r.obligations).toEqual([]);
    // `rogue`'s only determining policy is approvable too, but without it no policy permits
    // `rogue` at all: approving the forbid would not make the call allowed.
    expect(r.hops[1]?.decision).toMatchObject({ decision: 'deny', reasons: ['delete-needs-human'] });
  });
});

describe('approvals', () => {
  it('turn exactly the approved call into allow, once', async () => {
    const { guard, keys } = await makeGuard();
    const first = await guard.check(del('a3', '/work/app/old.txt'));
    const token = await approvalToken(keys.approver, first.obligations[0]?.binding as never);
    const ok = await guard.check(del('a3', '/work/app/old.txt', token));
    expect(ok.outcome).toBe('allow');
    expect(ok.approval).toMatchObject({ approver: 'bob@example.com', issuer: APPROVER });
    expect(ok.message).toContain('bob@example.com');
    const replay = await guard.check(del('a3', '/work/app/old.txt', token));
    expect(replay.outcome).toBe('needs-approval');
    expect(replay.approvalError?.kind).toBe('replayed');
  });

  it('do not approve another input, resource, session or principal', async () => {
    const { guard, keys } = await makeGuard();
    const first = await guard.check(del('a4', '/work/app/old.txt'));
    const binding = first.obligations[0]?.binding;
    if (binding === undefined) throw new Error('no obligation');
    const token = await approvalToken(keys.approver, binding);
    const expectRefused = async (req: Parameters<typeof guard.check>[0], path: string) => {
      const r = await guard.check(req);
      expect(r.outcome).toBe('needs-approval');
      expect(r.approvalError).toBeInstanceOf(ApprovalError);
      expect(r.approvalError).toMatchObject({ kind: 'binding', path });
    };
    await expectRefused(del('a4', '/work/app/other.txt', token), 'approves.input');
    await expectRefused(del('a5', '/work/app/old.txt', token), 'approves.sid');
    await expectRefused(
      { ...del('a4', '/work/app/old.txt', token), resource: { type: 'Mandate::Tool', id: 'shred_file' } },
      'approves.resource',
    );
    const other = buildChain({ root: { id: 'alice' }, hops: [{ id: 'planner' }, { id: 'helper' }] });
    await expectRefused({ ...del('a4', '/work/app/old.txt', token), chain: other }, 'approves.principal');
    // And still good for the call it was made for.
    expect((await guard.check(del('a4', '/work/app/old.txt', token))).outcome).toBe('allow');
  });

  it('refuse expired, long-lived, forged, unsigned and intent tokens', async () => {
    const { guard, keys, clock } = await makeGuard();
    const binding = (await guard.check(del('a6', '/work/app/x'))).binding;
    if (binding === undefined) throw new Error('no binding');
    const kindOf = async (approval: string) =>
      (await guard.check(del('a6', '/work/app/x', approval))).approvalError?.kind;

    const short = await approvalToken(keys.approver, binding, { ttl: 60 });
    clock.advance(2 * MINUTE);
    expect(await kindOf(short)).toBe('expired');
    clock.set(T0);
    expect(await kindOf(await approvalToken(keys.approver, binding, { ttl: 3_600 }))).toBe('lifetime');
    expect(await kindOf(await approvalToken(await makeKeys('approver-1'), binding))).toBe('signature');
    const [h, p] = (await approvalToken(keys.approver, binding)).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'approval+jwt' })).toString('base64url')}.${p}.`;
    expect(await kindOf(none)).toBe('unsigned');
    expect(h).toBeDefined();
    const wrongTyp = await new SignJWT({ approves: { sid: 'a6' } })
      .setProtectedHeader({ alg: 'ES256', kid: keys.approver.kid, typ: 'intent+jwt' })
      .setIssuer(APPROVER)
      .setAudience(AUDIENCE)
      .setSubject('bob')
      .setJti('x')
      .setIssuedAt(T0)
      .setExpirationTime(at(MINUTE))
      .sign(keys.approver.privateKey);
    expect(await kindOf(wrongTyp)).toBe('type');
    // The one that is right still works after all that.
    expect((await guard.check(del('a6', '/work/app/x', await approvalToken(keys.approver, binding)))).outcome).toBe(
      'allow',
    );
  });

  it('verifyApproval checks every field of the binding', async () => {
    const keys = await makeKeys('approver-1');
    const binding = { sessionId: 's', principal: 'P::"p"', action: 'A::"a"', resource: 'R::"r"', input: digestOf({}) };
    const token = await approvalToken(keys, binding);
    const opts = { key: keys.jwks, issuer: APPROVER, audience: AUDIENCE, currentDate: T0 };
    await expect(verifyApproval(token, binding, opts)).resolves.toMatchObject({ binding });
    for (const field of ['sessionId', 'principal', 'action', 'resource', 'input'] as const)
      await expect(verifyApproval(token, { ...binding, [field]: 'other' }, opts)).rejects.toMatchObject({
        kind: 'binding',
      });
  });

  it('are refused when the guard has no approval keys configured', async () => {
    const { guard, keys } = await makeGuard({ approvals: undefined });
    const binding = (await guard.check(del('a7', '/work/app/x'))).binding;
    const r = await guard.check(del('a7', '/work/app/x', await approvalToken(keys.approver, binding as never)));
    expect(r.outcome).toBe('needs-approval');
    expect(r.approvalError?.kind).toBe('claim');
  });
});
