import { type ErrorCode, isSlicewiseError, ValidationError } from '@slicewise/mediator';

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

/** An RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  issues?: ValidationError['issues'];
  instance?: string;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  499: 'Client Closed Request',
  500: 'Internal Server Error',
  504: 'Gateway Timeout',
};

/** Builds the problem document for a failure. Internal failures say nothing of their cause. */
export function problemOf(error: unknown, instance?: string): Problem {
  const code: ErrorCode = isSlicewiseError(error) ? error.code : 'INTERNAL';
  const status = httpStatus[code];
  const problem: Problem = { type: 'about:blank', title: titles[status] ?? 'Error', status, code };
  if (code !== 'INTERNAL') problem.detail = (error as Error).message;
  if (error instanceof ValidationError) problem.issues = error.issues;
  if (instance) problem.instance = instance;
  return problem;
}

/** A problem for a failure that never reached the mediator (unknown route, malformed body…). */
export function transportProblem(status: number, detail: string, instance?: string): Problem {
  const code = status === 404 ? 'NOT_FOUND' : status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  return { type: 'about:blank', title: titles[status] ?? 'Error', status, detail, code, ...(instance && { instance }) };
}
