import { closeSync, openSync, writeSync } from 'node:fs';
import { ValidationError } from '@slicewise/mediator';
import type { Colors, OutputStream } from './output.js';
import { escapeControl, formatCount, toSafeJson } from './output.js';

/** A rejected line of an import, as stream requests report them. */
export interface Rejection {
  line?: number;
  code?: string;
  reason?: string;
}

/** Where rejected lines go: stderr (a line each, or NDJSON with `--json`), or an NDJSON file (`--rejects`). */
export interface RejectionSinkOptions {
  readonly stderr: OutputStream;
  readonly errorColors: Colors;
  readonly json: boolean;
  /** The `--rejects` file, written as NDJSON (created or truncated). */
  readonly file?: string;
  /** Called before a line is written to stderr (clears a progress bar). */
  readonly beforeWrite?: () => void;
}

/**
 * Writes rejected lines as they arrive and keeps only their count, so an import of millions of bad lines runs
 * in bounded memory. Lines are per progress item (each item lists the lines rejected since the previous one).
 */
export class RejectionSink {
  #count = 0;
  readonly #fd: number | undefined;

  constructor(private readonly options: RejectionSinkOptions) {
    if (options.file === undefined) return;
    try {
      this.#fd = openSync(options.file, 'w');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? 'cannot open it';
      throw new ValidationError(`Cannot write the rejects file ${escapeControl(options.file)} (${reason})`, [
        { path: ['rejects'], message: `cannot be written (${reason})` },
      ]);
    }
  }

  /** How many rejected lines were written. */
  get count(): number {
    return this.#count;
  }

  /** Writes the rejected lines of one progress item. */
  add(entries: readonly Rejection[]): void {
    if (entries.length === 0) return;
    this.#count += entries.length;
    if (this.#fd !== undefined) {
      writeSync(this.#fd, entries.map((entry) => `${toSafeJson(entry)}\n`).join(''));
      return;
    }
    this.options.beforeWrite?.();
    const text = this.options.json
      ? entries.map((entry) => `${toSafeJson(entry)}\n`).join('')
      : entries.map((entry) => `${this.#describe(entry)}\n`).join('');
    this.options.stderr.write(text);
  }

  /** Closes the file, and says on stderr how many lines were rejected and where they went. */
  finish(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    if (this.#count === 0 || this.options.json) return;
    const where = this.options.file === undefined ? 'listed above' : `written to ${escapeControl(this.options.file)}`;
    this.options.stderr.write(
      `${this.options.errorColors.yellow(`${formatCount(this.#count)} rejected`)} (${where})\n`,
    );
  }

  /** `line 3: VALIDATION: email: must be a string`. */
  #describe(entry: Rejection): string {
    const parts = [entry.line === undefined ? 'line ?' : `line ${entry.line}`];
    if (entry.code !== undefined) parts.push(String(entry.code));
    if (entry.reason !== undefined) parts.push(String(entry.reason));
    return escapeControl(parts.join(': '));
  }
}
