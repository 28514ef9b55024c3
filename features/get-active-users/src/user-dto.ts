/** A user as the outside world sees it. */
export interface UserDto {
  id: number;
  name: string;
  email: string;
  active: boolean;
}

/** A row of the `users` table. */
export interface UserRow {
  id: number;
  name: string;
  email: string;
  active: number;
  created_at: string;
}

/** The DTO of a `users` row. */
export function toUserDto(row: UserRow): UserDto {
  return { id: row.id, name: row.name, email: row.email, active: row.active === 1 };
}
