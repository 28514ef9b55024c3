import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDatabasePath } from './index.js';

describe('resolveDatabasePath', () => {
  it('prefers the explicit path, then SLICEWISE_DB, then ./data/slicewise.db', () => {
    const env = { SLICEWISE_DB: '/srv/env.db', INIT_CWD: '/home/me' };

    expect(resolveDatabasePath('/tmp/flag.db', env)).toBe('/tmp/flag.db');
    expect(resolveDatabasePath(undefined, env)).toBe('/srv/env.db');
    expect(resolveDatabasePath(undefined, { INIT_CWD: '/home/me' })).toBe('/home/me/data/slicewise.db');
  });

  it('resolves relative paths from the folder the command was run in', () => {
    expect(resolveDatabasePath('app.db', { INIT_CWD: '/home/me/project' })).toBe('/home/me/project/app.db');
    expect(resolveDatabasePath('app.db', {})).toBe(resolve('app.db'));
  });

  it('keeps :memory: as it is', () => {
    expect(resolveDatabasePath(':memory:', { INIT_CWD: '/x' })).toBe(':memory:');
  });
});
