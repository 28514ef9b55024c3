import { describe, expect, it } from 'vitest';
import { nameProblem, sliceNames } from './names.js';

describe('nameProblem', () => {
  it('accepts kebab-case names', () => {
    for (const name of ['get-orders', 'billing', 'get-2fa-codes']) expect(nameProblem(name)).toBeUndefined();
  });

  it('names the rule a bad name breaks', () => {
    expect(nameProblem('')).toMatch(/required/);
    expect(nameProblem('GetOrders')).toMatch(/not kebab-case/);
    expect(nameProblem('get_orders')).toMatch(/not kebab-case/);
    expect(nameProblem('get--orders')).toMatch(/not kebab-case/);
    expect(nameProblem('-orders')).toMatch(/not kebab-case/);
    expect(nameProblem('2fa')).toMatch(/not kebab-case/);
    expect(nameProblem('@slicewise/x')).toMatch(/not kebab-case/);
    expect(nameProblem('delete')).toMatch(/reserved word delete/);
    expect(nameProblem(`a${'-b'.repeat(20)}`)).toMatch(/longer than 40/);
  });
});

describe('sliceNames', () => {
  it('derives the package, manifest, request and table names', () => {
    expect(sliceNames('get-active-orders')).toEqual({
      name: 'get-active-orders',
      packageName: '@slicewise/get-active-orders',
      manifest: 'getActiveOrders',
      request: 'GetActiveOrders',
      table: 'get_active_orders',
    });
  });
});
