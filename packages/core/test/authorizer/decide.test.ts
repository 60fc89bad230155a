/**
 * @module test/authorizer/decide
 * Cedar's decision rules — default deny, forbid overrides permit, erroring policies skipped
 * and reported — compared with cedar-wasm, and Mandate's fail-closed modes (`all`, and
 * `annotated` with `@failClosed`), and containment of non-Cedar failures to one policy.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { decide, FAIL_CLOSED_ANNOTATION } from '../../src/authorizer/decide.js';
import type { CompiledPolicy } from '../../src/compile/policy.js';
import { PolicySet } from '../../src/compile/policy-set.js';
import { envOf, FIXTURE } from '../compile/cedar-oracle.js';

const env = envOf();
const decideText = (text: string, mode: 'off' | 'annotated' | 'all' = 'off') =>
  decide(PolicySet.compile(text).policies, env, mode);

const PERMIT = 'permit(principal, action, resource);';
const PERMIT_ERR = 'permit(principal, action, resource) when { principal.nope };';
const FORBID = 'forbid(principal, action, resource);';
const FORBID_ERR = 'forbid(principal, action, resource) when { principal.nope };';
const FORBID_NO = 'forbid(principal, action, resource) when { false };';

describe('Cedar decision rules', () => {
  it('deny by default', () => {
    expect(decideText('')).toEqual({ decision: 'deny', reasons: [], errors: [] });
    expect(decideText('permit(principal, action, resource) when { false };')).toEqual({
      decision: 'deny',
      reasons: [],
      errors: [],
    });
  });

  it('allow with every satisfied permit as a reason, in order', () => {
    expect(decideText(`${PERMIT}\n${FORBID_NO}\n${PERMIT}`)).toEqual({
      decision: 'allow',
      reasons: ['policy0', 'policy2'],
      errors: [],
    });
  });

  it('let a satisfied forbid override every permit; the forbids are the reasons', () => {
    expect(decideText(`${PERMIT}\n${FORBID}\n${PERMIT}\n${FORBID}`)).toEqual({
      decision: 'deny',
      reasons: ['policy1', 'policy3'],
      errors: [],
    });
  });

  it('skip and report an erroring permit', () => {
    const d = decideText(`${PERMIT_ERR}\n${PERMIT}`);
    expect(d.decision).toBe('allow');
    expect(d.reasons).toEqual(['policy1']);
    expect(d.errors).toEqual([{ policyId: 'policy0', message: '`User::"alice"` does not have the attribute `nope`' }]);
    expect(decideText(PERMIT_ERR)).toMatchObject({ decision: 'deny', reasons: [] });
  });

  it('skip and report an erroring forbid (it does not deny)', () => {
    const d = decideText(`${PERMIT}\n${FORBID_ERR}`);
    expect(d).toMatchObject({ decision: 'allow', reasons: ['policy0'] });
    expect(d.errors.map((e) => e.policyId)).toEqual(['policy1']);
  });

  it('never evaluate the conditions of a policy whose scope does not match', () => {
    const d = decideText(`forbid(principal == User::"bob", action, resource) when { principal.nope };\n${PERMIT}`);
    expect(d).toEqual({ decision: 'allow', reasons: ['policy1'], errors: [] });
  });

  it('agree with cedar-wasm on decision, reasons and erroring policies', () => {
    const sets = [
      [PERMIT, FORBID_ERR, PERMIT_ERR],
      [PERMIT_ERR, FORBID_NO],
      [FORBID, FORBID_ERR, PERMIT],
      [
        PERMIT,
        'permit(principal, action, resource) when { 1 + "a" == 2 };',
        'forbid(principal, action, resource) unless { context.n == 1 };',
      ],
      [
        'permit(principal in Group::"all", action in Action::"readOnly", resource) when { resource.owner == principal };',
      ],
      ['forbid(principal, action, resource) when { context.n + 9223372036854775807 > 0 };', PERMIT],
    ];
    for (const texts of sets) {
      const staticPolicies = texts.join('\n');
      const wasm = cedar.isAuthorized({ ...FIXTURE, context: FIXTURE.context as never, policies: { staticPolicies } });
      if (wasm.type !== 'success') throw new Error('cedar-wasm failed');
      const ours = decideText(staticPolicies);
      expect({
        decision: ours.decision,
        reasons: [...ours.reasons].sort(),
        errors: ours.errors.map((e) => e.policyId).sort(),
      }).toEqual({
        decision: wasm.response.decision,
        reasons: [...wasm.response.diagnostics.reason].sort(),
        errors: wasm.response.diagnostics.errors.map((e) => e.policyId).sort(),
      });
    }
  });
});

describe('fail-closed', () => {
  const annotated = `@failClosed ${FORBID_ERR}`;
  const annotatedWithValue = `@failClosed("true") ${FORBID_ERR}`;

  it('uses the `failClosed` annotation name', () => {
    expect(FAIL_CLOSED_ANNOTATION).toBe('failClosed');
  });

  it('`all`: every erroring forbid denies, and is still reported as an error', () => {
    const d = decideText(`${PERMIT}\n${FORBID_ERR}`, 'all');
    expect(d).toEqual({
      decision: 'deny',
      reasons: ['policy1'],
      errors: [{ policyId: 'policy1', message: '`User::"alice"` does not have the attribute `nope`' }],
    });
  });

  it('`all`: an erroring permit still does not allow', () => {
    expect(decideText(PERMIT_ERR, 'all')).toMatchObject({ decision: 'deny', reasons: [] });
    expect(decideText(`${PERMIT_ERR}\n${PERMIT}`, 'all')).toMatchObject({ decision: 'allow', reasons: ['policy1'] });
  });

  it('`annotated`: only forbids annotated @failClosed deny when they error', () => {
    expect(decideText(`${PERMIT}\n${FORBID_ERR}`, 'annotated')).toMatchObject({
      decision: 'allow',
      reasons: ['policy0'],
    });
    expect(decideText(`${PERMIT}\n${annotated}`, 'annotated')).toMatchObject({
      decision: 'deny',
      reasons: ['policy1'],
    });
    expect(decideText(`${PERMIT}\n${annotatedWithValue}\n${FORBID_ERR}`, 'annotated')).toMatchObject({
      decision: 'deny',
      reasons: ['policy1'],
    });
  });

  it('`annotated` ignores the annotation on permits and on forbids that do not error', () => {
    expect(decideText(`@failClosed ${PERMIT_ERR}`, 'annotated')).toMatchObject({ decision: 'deny', reasons: [] });
    expect(decideText(`${PERMIT}\n@failClosed ${FORBID_NO}`, 'annotated')).toMatchObject({ decision: 'allow' });
  });

  it('`off` (the default) is Cedar: the annotation changes nothing', () => {
    expect(decideText(`${PERMIT}\n${annotated}`)).toMatchObject({ decision: 'allow', reasons: ['policy0'] });
    expect(decide(PolicySet.compile(`${PERMIT}\n${annotated}`).policies, env)).toMatchObject({ decision: 'allow' });
  });

  it('lists satisfied and fail-closed forbids together, in policy order', () => {
    expect(decideText(`${FORBID_ERR}\n${PERMIT}\n${FORBID}`, 'all').reasons).toEqual(['policy0', 'policy2']);
  });
});

describe('failures that are not Cedar evaluation errors', () => {
  const fake = (id: string, effect: 'permit' | 'forbid', f: () => boolean): CompiledPolicy => {
    const [base] = PolicySet.compile(PERMIT).policies;
    if (base === undefined) throw new Error('no policy');
    return { ...base, id, effect, satisfiesConditions: f };
  };

  it('are contained to their policy and reported', () => {
    const policies = [
      fake('range', 'forbid', () => {
        throw new RangeError('Maximum call stack size exceeded');
      }),
      fake('bug', 'forbid', () => {
        throw new TypeError('x is not a function');
      }),
      fake('odd', 'forbid', () => {
        throw 'a string';
      }),
      fake('ok', 'permit', () => true),
    ];
    expect(decide(policies, env)).toEqual({
      decision: 'allow',
      reasons: ['ok'],
      errors: [
        { policyId: 'range', message: 'evaluation exceeded a limit: Maximum call stack size exceeded' },
        { policyId: 'bug', message: 'internal error: x is not a function' },
        { policyId: 'odd', message: 'internal error: a string' },
      ],
    });
    expect(decide(policies, env, 'all')).toMatchObject({ decision: 'deny', reasons: ['range', 'bug', 'odd'] });
  });

  it('with scopeMatched, evaluate only conditions (the caller vouches for the scopes)', () => {
    const outOfScope: CompiledPolicy = { ...fake('a', 'permit', () => true), matchesScope: () => false };
    expect(decide([outOfScope], env)).toEqual({ decision: 'deny', reasons: [], errors: [] });
    expect(decide([outOfScope], env, 'off', true)).toEqual({ decision: 'allow', reasons: ['a'], errors: [] });
  });
});
