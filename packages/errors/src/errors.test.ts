import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  InternalError,
  isSlicewiseError,
  NotFoundError,
  SlicewiseError,
  toSlicewiseError,
  ValidationError,
} from './index.js';

describe('SlicewiseError', () => {
  it('carries its code, details and cause', () => {
    const cause = new Error('UNIQUE constraint failed: users.email');
    const error = new ConflictError('Email taken', { cause, details: { field: 'email' } });

    expect(error).toBeInstanceOf(SlicewiseError);
    expect(error.code).toBe('CONFLICT');
    expect(error.name).toBe('ConflictError');
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ field: 'email' });
  });

  it('puts validation issues in the error and its details', () => {
    const issues = [{ path: ['email'], message: 'Invalid email' }];
    const error = new ValidationError('Invalid input', issues);

    expect(error.code).toBe('VALIDATION');
    expect(error.issues).toEqual(issues);
    expect(error.details).toEqual({ issues });
  });

  it('recognises Slicewise errors by brand, not by class identity', () => {
    const foreign = Object.assign(new Error('from another copy'), { [Symbol.for('slicewise.error')]: true });

    expect(isSlicewiseError(new NotFoundError('missing'))).toBe(true);
    expect(isSlicewiseError(foreign)).toBe(true);
    expect(isSlicewiseError(new Error('plain'))).toBe(false);
    expect(isSlicewiseError(null)).toBe(false);
  });

  it('wraps unknown failures as INTERNAL and keeps them as cause', () => {
    const boom = new TypeError('boom');
    const wrapped = toSlicewiseError(boom);
    const known = new NotFoundError('missing');

    expect(wrapped).toBeInstanceOf(InternalError);
    expect(wrapped.cause).toBe(boom);
    expect(toSlicewiseError(known)).toBe(known);
  });
});
