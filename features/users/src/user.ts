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

/** A user's display name: trimmed, 1 to 100 characters. */
export const userNameSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(maxNameLength, { error: `must be at most ${maxNameLength} characters` });

/** An email address: trimmed, lowercased, at most 254 characters, with a real `local@domain.tld` shape. */
export const userEmailSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .toLowerCase()
  .max(maxEmailLength, { error: `must be at most ${maxEmailLength} characters` })
  .pipe(z.email({ error: 'must be an email address' }));

/** What registering a user takes: the rules `register-user` and `import-users` share. */
export const newUserSchema = z.object({ name: userNameSchema, email: userEmailSchema });

/** A registration after validation: trimmed name, trimmed lowercased email. */
export type NewUser = z.output<typeof newUserSchema>;

/** A user id as transports send it: a positive whole number, `"7"` accepted. */
export const userIdSchema = z.coerce
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .positive({ error: 'must be positive' });
