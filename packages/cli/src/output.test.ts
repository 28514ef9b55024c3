import { describe, expect, it } from 'vitest';
import { colorsFor, escapeControl, toSafeJson, writeReadable, writeTable } from './output.js';
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

describe('colorsFor', () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [true, { TERM: 'dumb' }, false],
    [false, { FORCE_COLOR: '1' }, true],
    [false, { FORCE_COLOR: '' }, true],
    [true, { FORCE_COLOR: '0' }, false],
    [false, { FORCE_COLOR: '3', NO_COLOR: '1' }, true],
  ] as const)('on a terminal: %s, with %j: colours %s', (isTTY, env, enabled) => {
    const colors = colorsFor(stream(isTTY), env);

    expect(colors.enabled).toBe(enabled);
    expect(colors.red('x')).toBe(enabled ? '\u001b[31mx\u001b[39m' : 'x');
    expect(colors.bold('x')).toBe(enabled ? '\u001b[1mx\u001b[22m' : 'x');
  });
});

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

describe('escapeControl', () => {
  it('shows every C0, DEL, C1 and bidi control in its visible \\u form, and nothing else', () => {
    expect(escapeControl('Ada\u001b[2J\u0007\r\n\t\u0000')).toBe('Ada\\u001b[2J\\u0007\\u000d\\u000a\\u0009\\u0000');
    expect(escapeControl('a\u007fb\u009b2Jc\u0085d\u202eexe.pdf\u2066')).toBe(
      'a\\u007fb\\u009b2Jc\\u0085d\\u202eexe.pdf\\u2066',
    );
    expect(escapeControl('Zoë 李 😀 علي \u00a0')).toBe('Zoë 李 😀 علي \u00a0');
    expect(escapeControl('one\ntwo\u001b', true)).toBe('one\ntwo\\u001b');
  });

  it('keeps a table aligned and inert when a name holds escape sequences', () => {
    const out = stream();

    writeReadable(
      out,
      [
        { id: 1, name: 'Eve\u001b[2J\r 2  Admin' },
        { id: 2, name: 'Bob' },
      ],
      plain,
    );

    expect(out.text).toBe('id  name\n 1  Eve\\u001b[2J\\u000d 2  Admin\n 2  Bob\n');
  });

  it('escapes the fields of one object, keys included', () => {
    const out = stream();

    writeReadable(out, { name: 'A\u009b31m', 'k\u001b': 1 }, plain);

    expect(out.text).toBe('name     A\\u009b31m\nk\\u001b  1\n');
  });

  it('prints a table of 300,000 rows (a spread Math.max overflowed the stack at ~125,000)', () => {
    let length = 0;
    const out = { write: (text: string) => (length += text.length) };

    writeTable(
      out,
      Array.from({ length: 300_000 }, (_, i) => ({ line: i, reason: 'bad' })),
      plain,
    );

    expect(length).toBeGreaterThan(300_000 * 10);
  });
});

describe('toSafeJson', () => {
  it('escapes DEL, C1 and bidi controls that JSON.stringify leaves raw, meaning the same value', () => {
    const value = { name: 'a\u007f\u009b\u202e\u001b\nb', list: [1, 'x\u2069'] };

    const text = toSafeJson(value, 2);

    expect(JSON.stringify(value)).toContain('\u009b'); // what JSON.stringify alone would print
    expect(text).toContain('"a\\u007f\\u009b\\u202e\\u001b\\nb"');
    expect(text).not.toMatch(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
