/**
 * @module errors
 * What can go wrong before a test case runs: a test file that cannot be read or does not
 * have the expected shape, or policies, schema or entities that do not load. Messages are
 * lowercase, with the offending input in backticks, and say which file.
 */

export type TestFileErrorKind = 'read' | 'parse' | 'format' | 'load';

export class TestFileError extends Error {
  override readonly name = 'TestFileError';
  /** `read` (file system), `parse` (JSON/YAML syntax), `format` (wrong shape), `load` (policies, schema or entities refused). */
  readonly kind: TestFileErrorKind;
  /** The file at fault. */
  readonly file: string;
  /** 1-based line in that file, when known. */
  readonly line: number | undefined;
  constructor(kind: TestFileErrorKind, file: string, message: string, line?: number) {
    super(message);
    this.kind = kind;
    this.file = file;
    this.line = line;
  }
}

/** The message of anything thrown. */
export function messageOf(e: unknown): string {
  if (e !== null && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}
