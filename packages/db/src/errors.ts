import { SlicewiseError, type SlicewiseErrorOptions, ValidationError } from '@slicewise/errors';

/** Columns named in a call do not exist, are repeated, or have an unknown type. Code `VALIDATION`. */
export class InvalidColumnsError extends SlicewiseError {
  /** The offending column names. */
  readonly columns: readonly string[];

  constructor(message: string, columns: readonly string[], options: SlicewiseErrorOptions = {}) {
    super('VALIDATION', message, { ...options, details: { ...options.details, columns } });
    this.columns = columns;
  }
}

/** A table or column name that cannot be used (empty, not a string, contains NUL). Code `VALIDATION`. */
export class InvalidIdentifierError extends ValidationError {
  constructor(name: unknown) {
    super(`Invalid SQL identifier ${JSON.stringify(name)}`, [
      { path: [], message: 'an identifier is a non-empty string without NUL characters' },
    ]);
  }
}

/** A transaction was misused (an async function in `atomic`, a rebuild inside a transaction…). Code `INTERNAL`. */
export class TransactionError extends SlicewiseError {
  constructor(message: string, options?: SlicewiseErrorOptions) {
    super('INTERNAL', message, options);
  }
}

/** A schema change cannot be made as asked (a foreign key that exists already, a missing table…). Code `VALIDATION`. */
export class AlterError extends SlicewiseError {
  constructor(message: string, options?: SlicewiseErrorOptions) {
    super('VALIDATION', message, options);
  }
}

/** A migration set is inconsistent: an applied migration was edited, or its `up` failed. Code `INTERNAL`. */
export class MigrationError extends SlicewiseError {
  constructor(message: string, options?: SlicewiseErrorOptions) {
    super('INTERNAL', message, options);
  }
}
