import { describe, expect, it } from 'vitest';
import { colorsFor, writeReadable } from './output.js';
import { ProgressReporter } from './progress.js';

function stream(isTTY = false) {
  return {
    isTTY,
    text: '',
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

const plain = colorsFor(stream(), {});

describe('writeReadable', () => {
  it('prints a page as the table of its rows, then its other fields', () => {
    const out = stream();

    writeReadable(out, { items: [{ id: 1, name: 'Ann' }], nextCursor: 'abc', total: 1 }, plain);

    expect(out.text).toBe('id  name\n 1  Ann\n\nnextCursor  abc\ntotal       1\n');
  });

  it('prints an object holding nested objects as field lines, nested values as JSON', () => {
    const out = stream();

    writeReadable(out, { users: 3, byDomain: { 'example.com': 3 } }, plain);

    expect(out.text).toBe('users     3\nbyDomain  {"example.com":3}\n');
  });

  it('prints Done. for a command that returns nothing', () => {
    const out = stream();

    writeReadable(out, undefined, plain);

    expect(out.text).toBe('Done.\n');
  });
});

describe('ProgressReporter', () => {
  it('estimates the time left from a fraction when the total is unknown', async () => {
    const err = stream();
    const progress = new ProgressReporter(err, plain, 'import', { intervalMs: 10 });

    await new Promise((resolve) => setTimeout(resolve, 20));
    progress.update({ done: 500, fraction: 0.25 });

    expect(err.text).toMatch(/^import: 500 rows \(25%\), [\d,]+ rows\/s, ETA \d+s\n$/);
  });
});
