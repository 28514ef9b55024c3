import { ValidationError } from '@slicewise/errors';
import { describe, expect, it } from 'vitest';
import { hashRecord, pythonJson } from './hash-id.js';
import { freshDb } from './testing.test-util.js';

describe('hashRecord', () => {
  it('hashes the row as Python json.dumps(sort_keys=True, separators=(",", ":")) writes it', () => {
    expect(pythonJson({ b: [1, 1.5, true, null], a: 'Zoë ✓\u007f' })).toBe(
      '{"a":"Zo\\u00eb \\u2713\\u007f","b":[1,1.5,true,null]}',
    );
    // the values sqlite-utils 3.30's hash_record gives for the same rows
    expect(hashRecord({ name: 'Cleo', twitter: 'CleoPaws' })).toBe('d383e7c0ba88f5ffcdd09be660de164b3847401a');
    expect(hashRecord({ b: [1, 1.5, true, null], a: 'Zoë ✓\u007f' })).toBe('aa3af26a050e3a9cc6340d91150724689ad8948e');
    expect(hashRecord({ twitter: 'CleoPaws', name: 'Cleo' })).toBe('d383e7c0ba88f5ffcdd09be660de164b3847401a');
    expect(hashRecord({ name: 'Cleo', twitter: 'CleoPaws', age: 7 }, ['name', 'twitter'])).toBe(
      hashRecord({ name: 'Cleo', twitter: 'CleoPaws' }),
    );
  });
});

describe('insert with hashId and conversions', () => {
  it('keys rows by the hash of their values, so the same row is the same key', () => {
    const db = freshDb();
    const t = db.table('t').insert({ name: 'Cleo', twitter: 'CleoPaws' }, { hashId: 'id' });

    expect(t.columns.map((c) => [c.name, c.type, c.pk])).toEqual([
      ['id', 'TEXT', 1],
      ['name', 'TEXT', 0],
      ['twitter', 'TEXT', 0],
    ]);
    expect(t.lastPk).toBe(hashRecord({ name: 'Cleo', twitter: 'CleoPaws' }));
    t.insert({ name: 'Cleo', twitter: 'CleoPaws' }, { hashId: 'id', ignore: true });
    expect(t.count).toBe(1);
    expect(() => t.insert({ name: 'x' }, { hashId: 'id', pk: 'name' })).toThrow(ValidationError);
  });

  it('wraps bound values in SQL conversions on insert, upsert and update', () => {
    const db = freshDb();
    const t = db.table('t').insert({ id: 1, name: 'ada' }, { pk: 'id', conversions: { name: 'upper(?)' } });
    t.upsert({ id: 2, name: 'linus' }, { conversions: { name: 'upper(?)' } });
    t.update(1, { name: 'grace' }, { conversions: { name: "? || '!'" } });

    expect(t.rowsWhere()).toEqual([
      { id: 1, name: 'grace!' },
      { id: 2, name: 'LINUS' },
    ]);
  });
});
