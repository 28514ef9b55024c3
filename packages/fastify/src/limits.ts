/** The API's connection and request limits; every one of them bounds what an anonymous client can hold. */
export interface HttpLimits {
  /** A connection with no traffic either way for this long is closed (0 = never). */
  connectionTimeout: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeout: number;
  /** The request line and headers must arrive within this long: 408 problem and close otherwise. */
  headersTimeout: number;
  /** The whole request, headers and body, must arrive within this long (0 = no limit). */
  receiveTimeout: number;
  /** A request body that sends nothing for this long is failed with 408 and its connection closed. */
  bodyIdleTimeout: number;
  /** Most open connections; further ones are closed as soon as they are accepted. */
  maxConnections: number;
  /** Most requests one connection may send; the last one answered carries `Connection: close` (0 = no limit). */
  maxRequestsPerSocket: number;
  /** Most requests one connection may have waiting behind an unfinished response; past it the connection closes. */
  maxPipelinedRequests: number;
}

/** The defaults of {@link HttpLimits}, documented in the README. */
export const defaultLimits: HttpLimits = {
  connectionTimeout: 30_000,
  keepAliveTimeout: 5_000,
  headersTimeout: 10_000,
  receiveTimeout: 60_000,
  bodyIdleTimeout: 5_000,
  maxConnections: 1_000,
  maxRequestsPerSocket: 10_000,
  maxPipelinedRequests: 32,
};
