import { ValidationError } from '@slicewise/errors';
import { describe, expect, it } from 'vitest';
import { inboxRetentionOf, natsConfigFromEnv } from './config.js';

describe('natsConfigFromEnv', () => {
  const url = 'nats://127.0.0.1:4222';

  it('is undefined without a URL, and reads the stream, selections and age limit', () => {
    expect(natsConfigFromEnv({ SLICEWISE_NATS_MAX_AGE_DAYS: '30' })).toBeUndefined();
    expect(
      natsConfigFromEnv({
        SLICEWISE_NATS_URL: url,
        SLICEWISE_NATS_PUBLISH: 'a, b',
        SLICEWISE_NATS_SUBSCRIBE: '*',
        SLICEWISE_NATS_MAX_AGE_DAYS: ' 30 ',
      }),
    ).toEqual({ url, stream: 'SLICEWISE', publish: ['a', 'b'], subscribe: '*', maxAgeDays: 30 });
    expect(natsConfigFromEnv({ SLICEWISE_NATS_URL: url, SLICEWISE_NATS_MAX_AGE_DAYS: '' })).not.toHaveProperty(
      'maxAgeDays',
    );
  });

  it.each(['0', '-3', '1.5', '7d', '3651', '1e3', '0x10'])('refuses SLICEWISE_NATS_MAX_AGE_DAYS=%s', (value) => {
    const read = () => natsConfigFromEnv({ SLICEWISE_NATS_URL: url, SLICEWISE_NATS_MAX_AGE_DAYS: value });
    expect(read).toThrow(ValidationError);
    expect(read).toThrow(`SLICEWISE_NATS_MAX_AGE_DAYS must be a whole number of days from 1 to 3650: got ${value}`);
  });
});

describe('inboxRetentionOf', () => {
  it('keeps inbox ids 7 days, or as long as the stream keeps its events when that is longer', () => {
    expect(inboxRetentionOf({})).toBe(7);
    expect(inboxRetentionOf({ maxAgeDays: 3 })).toBe(7);
    expect(inboxRetentionOf({ maxAgeDays: 30 })).toBe(30);
    expect(inboxRetentionOf({ maxAgeDays: 30, inboxRetentionDays: 45 })).toBe(45);
    expect(inboxRetentionOf({ inboxRetentionDays: 2 })).toBe(2);
  });

  it('refuses an inbox that would forget ids of events the stream still delivers, and days that are no number', () => {
    expect(() => inboxRetentionOf({ maxAgeDays: 30, inboxRetentionDays: 7 })).toThrow(
      /inboxRetentionDays \(7\) must be at least maxAgeDays \(30\)/,
    );
    expect(() => inboxRetentionOf({ maxAgeDays: 0 })).toThrow(ValidationError);
    expect(() => inboxRetentionOf({ inboxRetentionDays: Number.NaN })).toThrow(ValidationError);
  });
});
