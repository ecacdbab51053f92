/**
 * Data errors carry a code so the CLI can print them like the compiler's diagnostics
 * (`error DATA002 ...`) and tests can match on the kind rather than the wording.
 */

export type DataErrorCode =
  | 'DATA001' // unrecognised source string
  | 'DATA002' // a path that does not exist
  | 'DATA003' // malformed IDX file
  | 'DATA004' // no readable images
  | 'DATA005' // channel mismatch between data and model
  | 'DATA006' // invalid batch options
  | 'DATA007'; // malformed folder layout

export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(
    readonly code: DataErrorCode,
    message: string,
    /** The file or folder the error is about, when there is one. */
    readonly path?: string,
  ) {
    super(message);
  }

  /** `error DATA002 <message>`, the CLI's format. */
  format(): string {
    return `error ${this.code} ${this.message}`;
  }
}
