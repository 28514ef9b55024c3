import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Host } from '@slicewise/host';
import { type ErrorCode, isSlicewiseError } from '@slicewise/mediator';

/** What a route answers: a value to send as JSON. */
export type Route = (request: { url: URL; params: string[]; body: string }) => Promise<unknown> | unknown;

const httpStatus: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TIMEOUT: 504,
  CANCELLED: 499,
  INTERNAL: 500,
};

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A node:http server over `routes` (`METHOD /path/:param` patterns); errors map to their HTTP status. */
export function createRoutedServer(routes: Record<string, Route>): Server {
  const table = Object.entries(routes).map(([key, route]) => {
    const [method, path] = key.split(' ') as [string, string];
    const pattern = new RegExp(`^${path.replace(/:[a-z]+/g, '([^/]+)')}$`);
    return { method, pattern, route };
  });
  return createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const found = table
      .map((entry) => ({ entry, match: request.method === entry.method ? entry.pattern.exec(url.pathname) : null }))
      .find(({ match }) => match !== null);
    if (!found?.match) return reply(response, 404, { code: 'NOT_FOUND', message: `No route for ${url.pathname}` });
    const params = found.match.slice(1);
    readBody(request)
      .then((body) => found.entry.route({ url, params, body }))
      .then(
        (result) => reply(response, 200, result ?? { ok: true }),
        (error: unknown) => {
          const code: ErrorCode = isSlicewiseError(error) ? error.code : 'INTERNAL';
          const message =
            code === 'INTERNAL' ? `Internal error: ${(error as Error).message}` : (error as Error).message;
          reply(response, httpStatus[code], { code, message });
        },
      );
  });
}

/** Listens on PORT (default `port`) and HOST (127.0.0.1), prints the address, and closes the host on SIGTERM/SIGINT. */
export function serve(name: string, server: Server, host: Host, port: number, stop: () => Promise<void>): void {
  const shutdown = () => {
    server.close();
    void stop().finally(() => {
      host.close();
      process.exit(0);
    });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  server.listen(Number(process.env.PORT ?? port), process.env.HOST ?? '127.0.0.1', () => {
    const address = server.address();
    console.log(`${name} on ${typeof address === 'string' ? address : `http://${address?.address}:${address?.port}`}`);
  });
}
