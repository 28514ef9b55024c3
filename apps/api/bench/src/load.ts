/**
 * The load generator, run as its own process: autocannon against one URL, results as one JSON line. Latency
 * percentiles come from every 2xx response's own duration (autocannon's histogram keeps whole milliseconds, too
 * coarse for routes answered in one or two).
 *
 * `node load.js <url> <route> <connections> <seconds> [tag]`: route `list`, `get` or `register`. `register` posts
 * a new user per request, with the bearer token in BENCH_TOKEN and emails made unique by the tag and a counter
 * (`user7.r3@example.com`), so no request of the run conflicts with another.
 */
import autocannon from 'autocannon';
import { hundredths, percentile } from './stats.js';

const [url, route, connections, duration, tag = 'bench'] = process.argv.slice(2) as [string, string, string, string];
let next = 0;
let latencies = new Float64Array(1 << 16);
let count = 0;

function requestOf(): autocannon.Request {
  if (route === 'register') {
    return {
      method: 'POST',
      path: '/users',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.BENCH_TOKEN ?? ''}` },
      setupRequest: (request) => {
        next++;
        return { ...request, body: JSON.stringify({ name: `User ${next}`, email: `user${next}.${tag}@example.com` }) };
      },
    };
  }
  return {
    method: 'GET',
    setupRequest: (request) => {
      next = (next % 10_000) + 1;
      return { ...request, path: route === 'get' ? `/users/${next}` : '/users?active=true&limit=50' };
    },
  };
}

const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon(
    { url, connections: Number(connections), duration: Number(duration), requests: [requestOf()] },
    (error, finished) => (error ? reject(error) : resolve(finished)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode < 200 || statusCode > 299) return;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
  });
});
const sorted = latencies.subarray(0, count).sort();
process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: result.requests.average,
    p99: hundredths(percentile(sorted, 0.99)),
    p50: hundredths(percentile(sorted, 0.5)),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    total: result.requests.total,
  })}\n`,
);
