/**
 * @module schema
 * Cedar schemas (text or JSON) loaded through cedar-wasm and resolved into a typed model.
 */
export { SchemaError, type SchemaErrorKind, type SchemaSourceLocation } from './errors.js';
export { MAX_SCHEMA_NESTING } from './guard.js';
export { MAX_TYPE_DEPTH, type ResolvedSchema, resolveSchemaJson } from './resolve.js';
export { type EntityRef, Schema, type SchemaJson } from './schema.js';
export {
  type ActionDef,
  type AppliesTo,
  type AttributeType,
  type EntityTypeDef,
  type ExtensionTypeName,
  type RecordType,
  type SchemaType,
  typeToString,
} from './types.js';
