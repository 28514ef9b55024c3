import { CancelledError, type ErrorCode, isSlicewiseError, ValidationError } from '@slicewise/mediator';

/** The HTTP status of each error code: the one place the API maps them. */
export const httpStatus: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TIMEOUT: 504,
  CANCELLED: 499,
  INTERNAL: 500,
};

/** The media type of every error response. */
export const problemContentType = 'application/problem+json; charset=utf-8';

/** An RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** The mediator's error code, or the transport's (`METHOD_NOT_ALLOWED`…) for failures before dispatch. */
  code: string;
  issues?: ValidationError['issues'];
  instance?: string;
  /** The request id, also in the `x-request-id` header and every log line of the request. */
  requestId?: string;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  431: 'Request Header Fields Too Large',
  499: 'Client Closed Request',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Codes of failures the transport detects before anything is dispatched. */
const transportCodes: Record<number, string> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'CONTENT_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  408: 'REQUEST_TIMEOUT',
  431: 'HEADERS_TOO_LARGE',
  503: 'UNAVAILABLE',
};

/** Builds the problem document for a mediator failure. Internal failures say nothing of their cause. */
export function problemOf(error: unknown, instance?: string, requestId?: string): Problem {
  const code: ErrorCode = isSlicewiseError(error) ? error.code : 'INTERNAL';
  const status = httpStatus[code];
  const problem: Problem = { type: 'about:blank', title: titles[status] ?? 'Error', status, code };
  if (code !== 'INTERNAL') problem.detail = (error as Error).message;
  if (error instanceof ValidationError || (code === 'VALIDATION' && Array.isArray((error as ValidationError).issues))) {
    problem.issues = (error as ValidationError).issues;
  }
  if (instance) problem.instance = instance;
  if (requestId) problem.requestId = requestId;
  return problem;
}

/** A problem for a failure that never reached the mediator (unknown route, malformed body…). */
export function transportProblem(status: number, detail: string, instance?: string, requestId?: string): Problem {
  const code = transportCodes[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
  const problem: Problem = { type: 'about:blank', title: titles[status] ?? 'Error', status, code, detail };
  if (instance) problem.instance = instance;
  if (requestId) problem.requestId = requestId;
  return problem;
}

/**
 * The raw HTTP response for a request Node could not even parse (headers too large, malformed request line):
 * still a problem document, then the connection closes.
 */
export function rawProblemResponse(error: NodeJS.ErrnoException): { status: number; text: string } {
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const detail =
    status === 431
      ? 'The request line or headers are too large'
      : status === 408
        ? 'The request took too long to arrive'
        : 'The request is not valid HTTP';
  const body = JSON.stringify(transportProblem(status, detail));
  const head = [
    `HTTP/1.1 ${status} ${titles[status]}`,
    'Connection: close',
    `Content-Type: ${problemContentType}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  return { status, text: `${head.join('\r\n')}\r\n\r\n${body}` };
}

/** A failure the transport raises itself, carrying its HTTP status (Fastify's own errors have the same shape). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    /** Seconds for a `Retry-After` header (a 503 the client may retry). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * The problem for any failure of a request: a mediator error by its code; a transport failure (an
 * {@link HttpError}, or one of Fastify's own 4xx errors) by its status, with a client-safe detail; anything else
 * `INTERNAL`, saying nothing of its cause.
 */
export function problemFor(error: unknown, instance?: string, requestId?: string): Problem {
  if (isSlicewiseError(error)) return problemOf(error, instance, requestId);
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && (error instanceof HttpError || (status >= 400 && status < 500))) {
    return transportProblem(status, transportDetail(error, status), instance, requestId);
  }
  return problemOf(error, instance, requestId);
}

/** A client-safe detail for a transport failure: Fastify's own wording, without echoing the body. */
function transportDetail(error: unknown, status: number): string {
  const code = (error as { code?: string }).code;
  if (error instanceof HttpError) return error.message;
  if (status === 413) return 'The request body is too large';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'Unsupported content type';
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The JSON body is empty';
  if (code === 'FST_ERR_BAD_URL') return 'The URL is not validly percent-encoded';
  if (code === 'FST_ERR_MAX_PARAM_LENGTH') return 'A path parameter is too long';
  if (error instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return 'The request body is not valid JSON';
  const message = (error as Error).message ?? 'Bad request';
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}

/** The error of a dispatch whose client went away before its answer. */
export const clientGone = () => new CancelledError('The client closed the connection');
