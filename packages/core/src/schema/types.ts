/**
 * @module schema/types
 * The resolved schema model: every common type inlined, every entity type name fully
 * qualified (`NS::Type`), every `__cedar::` builtin turned into its primitive or extension.
 * A common type used in several places is resolved once and the same object is shared, so
 * deeply layered common types cost nothing to inline.
 */
import type { EntityUID } from '../values/value.js';

export type ExtensionTypeName = 'ipaddr' | 'decimal' | 'datetime' | 'duration';

export const EXTENSION_TYPE_NAMES: ReadonlySet<string> = new Set<ExtensionTypeName>([
  'ipaddr',
  'decimal',
  'datetime',
  'duration',
]);

export interface BoolType {
  readonly kind: 'Bool';
}
export interface LongType {
  readonly kind: 'Long';
}
export interface StringType {
  readonly kind: 'String';
}
export interface EntityType {
  readonly kind: 'Entity';
  /** Fully qualified entity type name. */
  readonly name: string;
}
export interface ExtensionType {
  readonly kind: 'Extension';
  readonly name: ExtensionTypeName;
}
export interface SetType {
  readonly kind: 'Set';
  readonly element: SchemaType;
}
export interface AttributeType {
  readonly type: SchemaType;
  readonly required: boolean;
}
export interface RecordType {
  readonly kind: 'Record';
  /** Attribute name → type; keys such as `__proto__` are ordinary names. */
  readonly attributes: ReadonlyMap<string, AttributeType>;
  /**
   * Whether attributes beyond those declared are allowed. Always false today: Cedar 4.13
   * refuses `additionalAttributes` (an experimental feature it does not enable).
   */
  readonly additionalAttributes: boolean;
}

export type SchemaType = BoolType | LongType | StringType | EntityType | ExtensionType | SetType | RecordType;

export const BOOL: BoolType = Object.freeze({ kind: 'Bool' });
export const LONG: LongType = Object.freeze({ kind: 'Long' });
export const STRING: StringType = Object.freeze({ kind: 'String' });
export const EMPTY_RECORD: RecordType = Object.freeze({
  kind: 'Record',
  attributes: new Map(),
  additionalAttributes: false,
});

/** A declared entity type. */
export interface EntityTypeDef {
  readonly name: string;
  /** Types its entities may have as parents (fully qualified). */
  readonly memberOfTypes: ReadonlySet<string>;
  /** Attributes (an empty record for types declared without a shape, and for enums). */
  readonly shape: RecordType;
  /** Type of every tag, or undefined when entities of this type may have no tags. */
  readonly tags: SchemaType | undefined;
  /** For enumerated entity types (`entity E enum ["a", "b"]`), the only valid ids. */
  readonly enum: ReadonlySet<string> | undefined;
  readonly annotations: Readonly<Record<string, string>>;
}

/** Which requests an action applies to. */
export interface AppliesTo {
  readonly principalTypes: ReadonlySet<string>;
  readonly resourceTypes: ReadonlySet<string>;
  readonly context: RecordType;
}

/** A declared action. */
export interface ActionDef {
  readonly uid: EntityUID;
  /** Direct groups (`action a in [g]`), as declared. */
  readonly memberOf: readonly EntityUID[];
  /** Every group it is transitively in, itself excluded. */
  readonly ancestors: readonly EntityUID[];
  /**
   * What it applies to. An action declared without `appliesTo` applies to no request: its
   * principal and resource type sets are empty (Cedar's text-to-JSON conversion writes it
   * so, and request validation treats both forms alike).
   */
  readonly appliesTo: AppliesTo;
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * A type as Cedar prints it in messages: `bool`, `long`, `string`, `` `User` ``, `[long]`,
 * `{ "a" => (required) long }`, `ipaddr`. Long types are cut short with `…`: a common type
 * used twice at every level of a deep schema would otherwise print exponentially large.
 */
export function typeToString(t: SchemaType, maxLength = 2000): string {
  let budget = maxLength;
  const out: string[] = [];
  const emit = (s: string): boolean => {
    if (budget <= 0) return false;
    out.push(s);
    budget -= s.length;
    return true;
  };
  const walk = (x: SchemaType): boolean => {
    switch (x.kind) {
      case 'Bool':
        return emit('bool');
      case 'Long':
        return emit('long');
      case 'String':
        return emit('string');
      case 'Entity':
        return emit(`\`${x.name}\``);
      case 'Extension':
        return emit(x.name);
      case 'Set':
        return emit('[') && walk(x.element) && emit(']');
      case 'Record': {
        if (x.attributes.size === 0) return emit('{ }');
        if (!emit('{ ')) return false;
        let first = true;
        for (const k of [...x.attributes.keys()].sort()) {
          const a = x.attributes.get(k) as AttributeType;
          if (!emit(`${first ? '' : ', '}${JSON.stringify(k)} => (${a.required ? 'required' : 'optional'}) `))
            return false;
          if (!walk(a.type)) return false;
          first = false;
        }
        return emit(' }');
      }
    }
  };
  return walk(t) ? out.join('') : `${out.join('')}…`;
}
