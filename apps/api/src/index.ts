export { parseTokens, type TokenGrant, TokenStore } from './auth.js';
export { type ApiConfig, type DatabaseSettings, defaultLimits, type HttpLimits, readConfig } from './config.js';
export { inputJsonSchema, type OpenApiInfo, openApiDocument, outputJsonSchema } from './openapi.js';
export { HttpError, httpStatus, type Problem, problemContentType } from './problem.js';
export { type ExposedRequest, exposedRequests, toFastifyPath } from './routes.js';
export { buildServer, drain, type ServerOptions, unreadiness } from './server.js';
export { slices } from './slices.js';
export { type RunningServer, type StartOptions, startServer } from './start.js';
