import { GetActiveUsers } from '@slicewise/get-active-users';
import type { Request } from '@slicewise/mediator';

/** `METHOD /path` → the request it sends. Routes hold no logic: parse → send → serialize. */
export const routes: Record<string, (url: URL) => Request<unknown>> = {
  'GET /active-users': () => new GetActiveUsers(),
};
