/**
 * The import, as a process of its own: `node import-client.js <base> <rows> <batch> [tag]` streams `rows` NDJSON users
 * (`{"name":"Imported 1","email":"imported1@example.com"}`, emails no seeded user has; with a tag,
 * `imported1.<tag>@example.com`, so a warm-up import never takes the measured one's emails) as the chunked body of
 * `POST /users/import` with the bearer token in BENCH_TOKEN, reads the progress lines and prints one JSON line:
 * `{ status, imported, rejected, ms, error? }` (`batch` 0 leaves the batch size to the slice).
 */
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const [base = '', rowsText = '0', batchText = '0', tag = ''] = process.argv.slice(2);
const domain = tag === '' ? '@example.com' : `.${tag}@example.com`;
const rows = Number(rowsText);
const linesPerChunk = 500;

function* body(): Generator<string> {
  for (let start = 1; start <= rows; start += linesPerChunk) {
    let chunk = '';
    for (let n = start; n < Math.min(start + linesPerChunk, rows + 1); n++) {
      chunk += `{"name":"Imported ${n}","email":"imported${n}${domain}"}\n`;
    }
    yield chunk;
  }
}

interface Progress {
  imported?: number;
  rejected?: number;
  done?: boolean;
  error?: { code?: string; detail?: string };
}

const path = `/users/import${batchText === '0' ? '' : `?batch=${batchText}`}`;
const started = performance.now();
const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
  const outgoing = request(
    `${base}${path}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${process.env.BENCH_TOKEN ?? ''}` },
    },
    (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    },
  );
  outgoing.on('error', reject);
  pipeline(Readable.from(body()), outgoing).catch(reject);
});
const elapsed = performance.now() - started;
const lines = text.trim().split('\n');
let last: Progress = {};
try {
  last = JSON.parse(lines.at(-1) ?? '{}') as Progress;
} catch {
  last = { error: { detail: text.slice(0, 500) } };
}
process.stdout.write(
  `${JSON.stringify({
    status,
    done: last.done === true,
    imported: last.imported ?? 0,
    rejected: last.rejected ?? 0,
    ms: Math.round(elapsed),
    error: last.error ? `${last.error.code ?? ''} ${last.error.detail ?? ''}`.trim() : undefined,
  })}\n`,
);
