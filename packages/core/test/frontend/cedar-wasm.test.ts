/**
 * @module test/frontend/cedar-wasm
 * The lazy door to cedar-wasm: nothing on the decision path loads wasm, and once loaded the
 * same instance is reused. (This file must not import cedar-wasm itself.)
 */
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/authorizer/decide.js';
import { PolicySet } from '../../src/compile/policy-set.js';
import { EntityStore } from '../../src/entities/store.js';
import { cedarWasm, isCedarWasmLoaded } from '../../src/frontend/cedar-wasm.js';
import type { PolicyIR } from '../../src/ir/nodes.js';
import { CedarRecord, EntityUID } from '../../src/values/value.js';

describe('cedarWasm', () => {
  it('is not loaded to decide from already-lowered IR, and is loaded once on demand', () => {
    expect(isCedarWasmLoaded()).toBe(false);
    const ir: PolicyIR = {
      id: 'p',
      effect: 'permit',
      annotations: {},
      isTemplate: false,
      scope: { principal: { op: 'any' }, action: { op: 'any' }, resource: { op: 'any' } },
      conditions: [{ kind: 'when', body: { k: 'lit', v: true } }],
      est: {
        effect: 'permit',
        principal: { op: 'All' },
        action: { op: 'All' },
        resource: { op: 'All' },
        conditions: [{ kind: 'when', body: { Value: true } }],
      },
    };
    const ps = PolicySet.fromIR([ir]);
    const env = {
      principal: new EntityUID('U', 'u'),
      action: new EntityUID('A', 'a'),
      resource: new EntityUID('R', 'r'),
      context: CedarRecord.EMPTY,
      entities: EntityStore.EMPTY,
    };
    expect(decide(ps.policies, env)).toEqual({ decision: 'allow', reasons: ['p'], errors: [] });
    expect(isCedarWasmLoaded()).toBe(false);

    const wasm = cedarWasm();
    expect(isCedarWasmLoaded()).toBe(true);
    expect(cedarWasm()).toBe(wasm);
    expect(typeof wasm.isAuthorized).toBe('function');
    expect(wasm.policyToJson('permit(principal, action, resource);').type).toBe('success');
  });
});
