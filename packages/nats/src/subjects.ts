/** The default first token of every subject the bridge publishes; the stream takes `slicewise.>`. */
export const subjectPrefix = 'slicewise';

/**
 * The subject of an event type: `slicewise.` then the type with a leading `@` dropped, each `/` a token separator,
 * and any character NATS does not allow in a token (`.`, `*`, `>`, whitespace, others outside letters, digits, `_`,
 * `-`) as `_`. `@slicewise/users/UserRegistered` → `slicewise.slicewise.users.UserRegistered`. The type itself
 * travels in a header, so the mapping need not be reversible.
 */
export function subjectOf(type: string, prefix = subjectPrefix): string {
  const tokens = type
    .replace(/^@/, '')
    .split('/')
    .map((token) => token.replace(/[^A-Za-z0-9_-]/g, '_') || '_');
  return [prefix, ...tokens].join('.');
}

/** The headers an event carries; its global id also goes in `Nats-Msg-Id`, for the stream's duplicate check. */
export const eventHeaders = {
  id: 'Slicewise-Event-Id',
  type: 'Slicewise-Event-Type',
  version: 'Slicewise-Event-Version',
  occurredAt: 'Slicewise-Occurred-At',
  correlationId: 'Slicewise-Correlation-Id',
} as const;
