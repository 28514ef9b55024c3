export { parseTokens, type TokenGrant, TokenStore } from './auth.js';
export { type ApiConfig, type DatabaseSettings, readConfig } from './config.js';
export { unreadiness } from './health.js';
export {
  checkHttpMeta,
  type ExposedRequest,
  exposedRequests,
  type HttpMeta,
  HttpMetaError,
  type HttpMethod,
} from './http-meta.js';
export { defaultLimits, type HttpLimits } from './limits.js';
export { nextPageLink } from './paging.js';
export { drain, type OpenApiOptions, type SlicewiseOptions, slicewise } from './plugin.js';
export { HttpError, httpStatus, type Problem, problemContentType } from './problem.js';
export { toFastifyPath } from './routes.js';
export { buildServer, type ServerOptions } from './server.js';
export { type RunningServer, type StartOptions, startServer } from './start.js';
