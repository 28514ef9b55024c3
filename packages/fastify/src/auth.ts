import { createHash, timingSafeEqual } from 'node:crypto';
import { type Caller, UnauthorizedError } from '@slicewise/mediator';

/** What one bearer token grants: the caller id and its permissions (`*` grants all). */
export interface TokenGrant {
  readonly id: string;
  readonly permissions: readonly string[];
}

/** Tokens must be long random strings of RFC 6750 `b64token` characters. */
const tokenPattern = /^[A-Za-z0-9\-._~+/]{16,512}=*$/;
const permissionPattern = /^[\w:.*-]{1,100}$/;

const digest = (token: string) => createHash('sha256').update(token).digest();

/**
 * The bearer tokens a host accepts. Tokens are kept only as SHA-256 digests and compared in constant time,
 * every one of them, so neither the answer's timing nor a heap dump tells a token.
 */
export class TokenStore {
  readonly #grants: { digest: Buffer; caller: Caller }[];

  constructor(grants: Readonly<Record<string, TokenGrant>> = {}) {
    this.#grants = Object.entries(grants).map(([token, grant]) => ({
      digest: digest(token),
      caller: Object.freeze({ id: grant.id, permissions: Object.freeze([...grant.permissions]) }),
    }));
  }

  /** How many tokens are configured. */
  get size(): number {
    return this.#grants.length;
  }

  /**
   * The caller an `Authorization` header names: none without the header, `UNAUTHORIZED` for anything but a
   * known bearer token.
   */
  authenticate(header: string | undefined): Caller | undefined {
    if (header === undefined || header === '') return undefined;
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match?.[1]) throw new UnauthorizedError('The Authorization header must be "Bearer <token>"');
    const presented = digest(match[1]);
    let found: Caller | undefined;
    for (const grant of this.#grants) {
      if (timingSafeEqual(grant.digest, presented)) found = grant.caller;
    }
    if (!found) throw new UnauthorizedError('The bearer token is not valid');
    return found;
  }
}

/**
 * Parses the tokens document (`SLICEWISE_TOKENS` or the file `SLICEWISE_TOKENS_FILE` names):
 * `{ "<token>": { "id": "ada", "permissions": ["users:write"] } }`. Throws one message listing every problem,
 * never quoting a token.
 */
export function parseTokens(text: string, source: string): Record<string, TokenGrant> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not valid JSON`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new Error(`${source} must be a JSON object of { "<token>": { "id": "...", "permissions": [...] } }`);
  }
  const problems: string[] = [];
  const grants: Record<string, TokenGrant> = {};
  Object.entries(document).forEach(([token, grant], index) => {
    const where = `${source}: token #${index + 1}`;
    if (!tokenPattern.test(token)) {
      problems.push(`${where} must be 16 to 512 characters of A-Z a-z 0-9 - . _ ~ + /`);
      return;
    }
    const { id, permissions } = (grant ?? {}) as { id?: unknown; permissions?: unknown };
    if (typeof id !== 'string' || id.trim() === '') problems.push(`${where} needs a non-empty string "id"`);
    const list = permissions ?? [];
    if (!Array.isArray(list) || !list.every((p) => typeof p === 'string' && permissionPattern.test(p))) {
      problems.push(`${where} needs "permissions" as an array of permission names (letters, digits, : . * _ -)`);
    }
    grants[token] = { id: String(id), permissions: list as string[] };
  });
  if (problems.length > 0) throw new Error(problems.join('\n  '));
  return grants;
}
