/**
 * @module schema/schema
 * A loaded Cedar schema: entity types, actions and their groups, what each action applies
 * to, resolved and ready for the data boundary (`json/`) and request validation.
 *
 * Loading goes through cedar-wasm once, so that what is accepted and the messages for what is
 * not are exactly Cedar's: `checkParseSchema` validates (syntax, undeclared names, cycles,
 * shadowing, non-record contexts, …); for schema text, `schemaToJsonWithResolvedTypes`
 * yields Cedar's JSON form with every name already resolved and qualified. JSON schemas are
 * resolved here by Cedar's rules (`schema/resolve`): converting them to text would lose
 * forms text cannot express (an entity shape given as a common type).
 */
import { cedarWasm } from '../frontend/cedar-wasm.js';
import type { ParsedEntity } from '../json/parsed-entity.js';
import { EntityUID, type Value } from '../values/value.js';
import { locate, SchemaError, type SchemaSourceLocation } from './errors.js';
import { guardSchemaJson, guardSchemaText } from './guard.js';
import { type ResolvedSchema, resolveSchemaJson } from './resolve.js';
import type { ActionDef, EntityTypeDef, RecordType, SchemaType } from './types.js';

/** A detailed error as cedar-wasm reports it. */
interface WasmError {
  readonly message: string;
  readonly help?: string | null;
  readonly sourceLocations?: readonly {
    readonly start: number;
    readonly end: number;
    readonly label?: string | null;
  }[];
}

/** Cedar's JSON schema format: namespace name (`""` for none) → its definitions. */
export type SchemaJson = Readonly<Record<string, unknown>>;

/** An entity reference, as a uid or as `{type, id}`. */
export type EntityRef = EntityUID | { readonly type: string; readonly id: string };

const NO_VALUES: ReadonlyMap<string, Value> = new Map<string, Value>();

function toSchemaError(errors: readonly WasmError[], text: string | undefined): SchemaError {
  const first = errors[0];
  const message = first?.message ?? 'the schema could not be parsed';
  const locations: SchemaSourceLocation[] = [];
  if (text !== undefined) {
    for (const e of errors)
      for (const l of e.sourceLocations ?? []) locations.push(locate(text, l.start, l.end, l.label));
  }
  return new SchemaError('parse', message, {
    locations,
    help: first?.help ?? undefined,
    details: errors.map((e) => e.message),
  });
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A cedar-wasm call; its throws (input its bridge cannot convert) become SchemaErrors. */
function callWasm<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new SchemaError('parse', `cedar-wasm could not read the schema: ${messageOf(e)}`);
  }
}

export class Schema {
  readonly entityTypes: ReadonlyMap<string, EntityTypeDef>;
  /** Keyed by the action's uid key (`Action::"view"`, `NS::Action::"view"`). */
  readonly actions: ReadonlyMap<string, ActionDef>;
  /** Common types by qualified name, resolved. */
  readonly commonTypes: ReadonlyMap<string, SchemaType>;
  /** The schema as given (text or JSON), e.g. for handing to cedar-wasm's validator. */
  readonly source: string | SchemaJson;
  /** Cedar's warnings about the schema (it loaded nonetheless). */
  readonly warnings: readonly string[];
  #actionEntities: readonly ParsedEntity[] | undefined;

  private constructor(resolved: ResolvedSchema, source: string | SchemaJson, warnings: readonly string[]) {
    this.entityTypes = resolved.entityTypes;
    this.actions = resolved.actions;
    this.commonTypes = resolved.commonTypes;
    this.source = source;
    this.warnings = warnings;
  }

  /**
   * Load a schema from Cedar schema text, Cedar JSON schema text (a string starting with
   * `{`: text schemas never do), or a JSON schema object. Throws {@link SchemaError}.
   */
  static parse(input: string | SchemaJson): Schema {
    if (typeof input !== 'string') return Schema.fromJson(input);
    if (input.trimStart().startsWith('{')) {
      let json: unknown;
      try {
        json = JSON.parse(input);
      } catch (e) {
        throw new SchemaError('parse', `the schema is not valid JSON: ${messageOf(e)}`);
      }
      return Schema.fromJson(json as SchemaJson);
    }
    return Schema.fromText(input);
  }

  /** Load Cedar schema text (`entity User in [Group]; action view appliesTo {…};`). */
  static fromText(text: string): Schema {
    guardSchemaText(text);
    const wasm = cedarWasm();
    const checked = callWasm(() => wasm.checkParseSchema(text));
    if (checked.type !== 'success') throw toSchemaError(checked.errors, text);
    const resolved = callWasm(() => wasm.schemaToJsonWithResolvedTypes(text));
    if (resolved.type === 'success') {
      return new Schema(
        resolveSchemaJson(resolved.json),
        text,
        resolved.warnings.map((w) => w.message),
      );
    }
    // Not expected for a schema Cedar accepted; its unresolved JSON form resolves the same way.
    const plain = callWasm(() => wasm.schemaToJson(text));
    if (plain.type !== 'success') throw toSchemaError(plain.errors, text);
    return new Schema(
      resolveSchemaJson(plain.json),
      text,
      plain.warnings.map((w) => w.message),
    );
  }

  /** Load a schema in Cedar's JSON format (an object of namespaces). */
  static fromJson(json: SchemaJson): Schema {
    guardSchemaJson(json);
    const wasm = cedarWasm();
    const checked = callWasm(() => wasm.checkParseSchema(json as Parameters<typeof wasm.checkParseSchema>[0]));
    if (checked.type !== 'success') throw toSchemaError(checked.errors, undefined);
    return new Schema(resolveSchemaJson(json), json, []);
  }

  /** Build from an already resolved model (no wasm): for bundles and tests. */
  static fromResolved(resolved: ResolvedSchema, source: string | SchemaJson): Schema {
    return new Schema(resolved, source, []);
  }

  entityType(name: string): EntityTypeDef | undefined {
    return this.entityTypes.get(name);
  }

  action(uid: EntityRef): ActionDef | undefined {
    return this.actions.get(uid instanceof EntityUID ? uid.key : new EntityUID(uid.type, uid.id).key);
  }

  /** Every group the action is transitively in; undefined for an undeclared action. */
  actionAncestors(uid: EntityRef): readonly EntityUID[] | undefined {
    return this.action(uid)?.ancestors;
  }

  /** The action's context type (an empty record when it declares none); undefined if undeclared. */
  contextType(uid: EntityRef): RecordType | undefined {
    const a = this.action(uid);
    if (a === undefined) return undefined;
    return a.appliesTo.context;
  }

  /**
   * The action entities Cedar adds to every entity set parsed with this schema: one per
   * declared action, no attributes, no tags, and as parents every group it is transitively in.
   */
  actionEntities(): readonly ParsedEntity[] {
    this.#actionEntities ??= [...this.actions.values()].map((a) => ({
      uid: a.uid,
      attrs: NO_VALUES,
      parents: a.ancestors,
      tags: NO_VALUES,
    }));
    return this.#actionEntities;
  }
}
