/**
 * @module values/errors
 * Evaluation errors. Cedar skips a policy whose evaluation errors and reports it; these
 * objects are thrown inside a policy's closure and caught per policy. They deliberately do
 * not extend `Error`: capturing a stack trace on every type error would put microseconds on
 * the hot path, and nothing needs the stack.
 */

/** The families of evaluation error Cedar distinguishes (names follow Cedar's). */
export type EvaluationErrorKind =
  | 'type'
  | 'overflow'
  | 'missing-attribute'
  | 'missing-tag'
  | 'entity-does-not-exist'
  | 'extension'
  | 'limit';

/** Thrown inside policy evaluation; caught by the authorizer and reported per policy. */
export class EvaluationError {
  readonly kind: EvaluationErrorKind;
  readonly message: string;
  constructor(kind: EvaluationErrorKind, message: string) {
    this.kind = kind;
    this.message = message;
  }
  toString(): string {
    return this.message;
  }
}

export const typeError = (message: string): EvaluationError => new EvaluationError('type', message);
