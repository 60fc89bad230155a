/**
 * @module json
 * The data boundary: Cedar JSON (entities, context, values, request uids) → runtime values,
 * with or without a schema, and Cedar's request validation. Every refusal is an
 * {@link InputError}.
 */
export { type ParseContextOptions, parseContext } from './context.js';
export { type ParseEntitiesOptions, parseEntities } from './entities.js';
export { formatPath, InputError, type InputErrorKind, type PathSegment } from './errors.js';
export { DEFAULT_MAX_DEPTH, type LimitOptions } from './limits.js';
export { isActionTypeName, isValidName, nameProblem } from './names.js';
export type { ParsedEntity } from './parsed-entity.js';
export { type EntityRefInput, parseEntityRef, validateRequest } from './request.js';
export { parseJsonText } from './text.js';
export { type ParseTypedOptions, parseTypedValue } from './typed.js';
export { parseValue } from './value.js';
