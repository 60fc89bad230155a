/**
 * @module test/schema
 * The schema additions this package relies on (`Session.history`, `Intent.tools/purpose/cart`)
 * validate in strict mode, and the test policies validate against the shared schema.
 */
import { validatePolicies } from '@mandate/core';
import { describe, expect, it } from 'vitest';
import { POLICIES, SCHEMA } from './fixtures.js';

describe('schema', () => {
  it('the test policies validate strictly against policies/schema/mandate.cedarschema', () => {
    const res = validatePolicies(POLICIES, SCHEMA);
    expect(res.errors).toEqual([]);
    expect(res.passed).toBe(true);
  });

  it('types context.session.history and the intent additions', () => {
    const res = validatePolicies(
      `permit (principal, action == Mandate::Action::"file.read", resource)
       when {
         context.session has history &&
         context.session.history.calls.minute < 10 && context.session.history.action.day <= 100 &&
         context.session.history.egress.tenMinutes == 0 &&
         context.session.history.labels.hour.contains("secret") &&
         (context.session.history has lastEgress &&
            context.session.now.durationSince(context.session.history.lastEgress) > duration("10m")) &&
         context has intent && context.intent has cart && context.intent.cart like "sha256:*" &&
         context.intent has tools && context.intent.tools.contains("payments") &&
         context.intent has purpose
       };`,
      SCHEMA,
    );
    expect(res.errors).toEqual([]);
    expect(res.passed).toBe(true);
  });

  it('stays strict: an unknown history attribute does not validate', () => {
    const res = validatePolicies(
      `permit (principal, action == Mandate::Action::"file.read", resource)
       when { context.session has history && context.session.history.payments.hour < 5 };`,
      SCHEMA,
    );
    expect(res.passed).toBe(false);
  });
});
