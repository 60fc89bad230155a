/**
 * @module json/parsed-entity
 * One entity as the data boundary hands it on: values parsed, schema checked, hierarchy not
 * yet closed (the entity store computes ancestor sets and rejects cycles). The shape is the
 * entity store's input shape.
 */
import type { EntityUID, Value } from '../values/value.js';

export interface ParsedEntity {
  readonly uid: EntityUID;
  /** Attribute name → value; names such as `__proto__` are ordinary keys. */
  readonly attrs: ReadonlyMap<string, Value>;
  /**
   * Direct parents as given (deduplicated). For action entities that come from the schema,
   * every group the action is transitively in.
   */
  readonly parents: readonly EntityUID[];
  /** Tag name → value (empty when the entity has none). */
  readonly tags: ReadonlyMap<string, Value>;
}
