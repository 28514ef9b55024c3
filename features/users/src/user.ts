import { z } from 'zod';

/** A user as the outside world sees it. */
export interface UserDto {
  id: number;
  name: string;
  email: string;
  active: boolean;
}

/**
 * The {@link UserDto} as a schema: requests responding with users declare it as their `output`, so hosts document
 * the response and serialize it from it. Its output type equals `UserDto` (pinned by a type test).
 */
export const userDtoSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  email: z.string(),
  active: z.boolean(),
});

/** A row of the `users` table. */
export interface UserRow {
  id: number;
  name: string;
  email: string;
  active: number;
  created_at: string;
}

/** The DTO of a `users` row. */
export function toUserDto(row: Pick<UserRow, 'id' | 'name' | 'email' | 'active'>): UserDto {
  return { id: row.id, name: row.name, email: row.email, active: row.active === 1 };
}

/** The columns {@link toUserDto} reads: select only these on hot read paths. */
export const userDtoColumns = 'id, name, email, active';

/** Longest name accepted, after trimming. */
export const maxNameLength = 100;
/** Longest email accepted, after trimming (RFC 5321 path limit). */
export const maxEmailLength = 254;

/**
 * Characters a text field never accepts, each with its class: C0 controls (U+0000–U+001F, tab and newlines
 * included), DEL (U+007F), C1 controls (U+0080–U+009F) and the bidi embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069), which can clear a terminal, draw fake rows or reorder what is shown.
 */
function controlClassOf(code: number): string | undefined {
  if (code <= 0x1f) return 'a C0 control character';
  if (code === 0x7f) return 'DEL';
  if (code >= 0x80 && code <= 0x9f) return 'a C1 control character';
  if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return 'a bidi override';
  return undefined;
}

/**
 * The first control character of `text` as `U+001B (a C0 control character)`, or undefined when there is none.
 * Never the character itself, so a message quoting it cannot inject anything.
 */
export function findControlCharacter(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const kind = controlClassOf(code);
    if (kind) return `U+${code.toString(16).toUpperCase().padStart(4, '0')} (${kind})`;
  }
  return undefined;
}

/**
 * A string without control characters (see {@link findControlCharacter}); the error names the field and the
 * character's class and code point, never the character. Text fields of requests build on it.
 *
 * @example
 * plainText('name').safeParse('Ada\u001b[2J').error?.issues[0]?.message;
 * // 'name must not contain control characters: found U+001B (a C0 control character)'
 */
export function plainText(field: string) {
  return z.string({ error: 'must be a string' }).superRefine((value, context) => {
    const found = findControlCharacter(value);
    if (found) {
      context.addIssue({
        code: 'custom',
        message: `${field} must not contain control characters: found ${found}`,
      });
    }
  });
}

/** A user's display name: no control characters, trimmed, 1 to 100 characters. */
export const userNameSchema = plainText('name')
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(maxNameLength, { error: `must be at most ${maxNameLength} characters` });

/**
 * An email address: no control characters, trimmed, lowercased, at most 254 characters, with a real
 * `local@domain.tld` shape.
 */
export const userEmailSchema = plainText('email')
  .trim()
  .toLowerCase()
  .max(maxEmailLength, { error: `must be at most ${maxEmailLength} characters` })
  .pipe(z.email({ error: 'must be an email address' }));

/** What registering a user takes: the rules `register-user` and `import-users` share. */
export const newUserSchema = z.object({ name: userNameSchema, email: userEmailSchema });

/** A registration after validation: trimmed name, trimmed lowercased email. */
export type NewUser = z.output<typeof newUserSchema>;

const userIdMessage = 'must be a whole number from 1, in decimal digits (e.g. 7)';

/**
 * A user id as transports send it: a positive safe integer, or its canonical decimal text (`"7"`). Text is
 * matched against `^[1-9][0-9]*$` and nothing else, so `"0x2"`, `"1e0"`, `" 1 "`, `"01"`, `"+1"` and `"1.0"`
 * are refused rather than read as numbers; so is anything above `Number.MAX_SAFE_INTEGER`. HTTP path and query
 * ids and CLI arguments all pass through it.
 */
export const userIdSchema = z.union(
  [
    z
      .number({ error: userIdMessage })
      .int({ error: userIdMessage, abort: true })
      .positive({ error: userIdMessage })
      .max(Number.MAX_SAFE_INTEGER, { error: userIdMessage }),
    z
      .string({ error: userIdMessage })
      .regex(/^[1-9][0-9]*$/, { error: userIdMessage })
      .transform(Number)
      .pipe(z.number().max(Number.MAX_SAFE_INTEGER, { error: userIdMessage })),
  ],
  { error: userIdMessage },
);
