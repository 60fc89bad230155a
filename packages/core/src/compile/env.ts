/**
 * @module compile/env
 * What a compiled expression sees at decision time: the request and the entity store.
 */
import type { EntityStore } from '../entities/store.js';
import type { CedarRecord, EntityUID, Value } from '../values/value.js';

export interface EvalEnv {
  readonly principal: EntityUID;
  readonly action: EntityUID;
  readonly resource: EntityUID;
  readonly context: CedarRecord;
  readonly entities: EntityStore;
}

/** A compiled expression. Throws `EvaluationError` when Cedar's evaluation errors. */
export type Evaluator = (env: EvalEnv) => Value;
