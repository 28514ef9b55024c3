import { createReadStream } from 'node:fs';
import { NotFoundError, ValidationError } from '@slicewise/mediator';

/** What an import reads from, besides a file path: a body stream (a Node `Readable` is one) or whole text. */
export type ImportSource = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array> | string;

/** Longest line accepted; a longer one is rejected without being held in memory whole. */
export const maxLineLength = 64 * 1024;

/** One line of input with its 1-based physical line number, or a line that was too long to keep. */
export interface Line {
  readonly number: number;
  readonly text: string;
  readonly tooLong?: true;
}

async function* chunksOf(source: ImportSource): AsyncGenerator<string | Uint8Array> {
  if (typeof source === 'string') yield source;
  else yield* source as AsyncIterable<string | Uint8Array>;
}

async function* fileChunks(file: string): AsyncGenerator<Uint8Array> {
  try {
    yield* createReadStream(file, { highWaterMark: 256 * 1024 });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw new NotFoundError(`No such file: ${file}`, { cause: error, details: { file } });
    if (code === 'EISDIR' || code === 'EACCES') {
      throw new ValidationError(
        `Cannot read ${file}: ${code}`,
        [{ path: ['file'], message: `cannot be read (${code})` }],
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

/**
 * Splits a file or a stream into lines, one array per chunk read, without ever holding more than one chunk and
 * one partial line (at most {@link maxLineLength}). Pulling drives reading, so a slow consumer slows the source.
 */
export async function* linesOf(source: { file: string } | { body: ImportSource }): AsyncGenerator<Line[]> {
  const decoder = new TextDecoder('utf-8');
  const chunks = 'file' in source ? fileChunks(source.file) : chunksOf(source.body);
  let partial = '';
  let skipping = false; // inside a line already reported too long
  let number = 0;
  for await (const chunk of chunks) {
    const text = partial + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    const parts = text.split('\n');
    partial = parts.pop() as string;
    const lines: Line[] = [];
    for (const part of parts) {
      number++;
      if (skipping) {
        skipping = false;
        continue;
      }
      lines.push(lineOf(number, part));
    }
    if (partial.length > maxLineLength) {
      if (!skipping) lines.push({ number: number + 1, text: '', tooLong: true });
      skipping = true;
      partial = '';
    }
    if (lines.length > 0) yield lines;
  }
  partial += decoder.decode();
  if (!skipping && partial.length > 0) yield [lineOf(number + 1, partial)];
}

function lineOf(number: number, raw: string): Line {
  let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (number === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
  return text.length > maxLineLength ? { number, text: '', tooLong: true } : { number, text };
}
