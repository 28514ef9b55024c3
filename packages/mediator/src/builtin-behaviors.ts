import { ForbiddenError, UnauthorizedError, ValidationError, type ValidationIssue } from '@slicewise/errors';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Behavior } from './behavior.js';
import type { DispatchContext } from './context.js';
import { declarationOf } from './declaration.js';
import type { Context } from './dispatch-context.js';
import type { Message, MessageClass } from './messages.js';
import type { Guard } from './pipeline.js';

function checkCaller(request: Message, context: DispatchContext): void {
  const required = declarationOf(request.constructor as MessageClass).permissions ?? [];
  const caller = context.caller;
  if (!caller) {
    throw new UnauthorizedError(`${request.constructor.name} requires an authenticated caller`);
  }
  const missing = required.filter((permission) => !caller.permissions.includes(permission));
  if (missing.length > 0 && !caller.permissions.includes('*')) {
    throw new ForbiddenError(`${request.constructor.name} requires the permission ${missing.join(', ')}`, {
      details: { missing },
    });
  }
}

/**
 * Enforces a request's declared `permissions` before anything else in the slice runs: no caller is
 * `UNAUTHORIZED`, a caller without a permission is `FORBIDDEN`. Requests that declare none are open.
 */
export const authorization: Behavior & { readonly guard: Guard } = {
  name: 'authorization',
  appliesTo: (messageClass) => (declarationOf(messageClass).permissions ?? []).length > 0,
  guard: checkCaller,
  async handle(request, context, next) {
    checkCaller(request, context);
    return next();
  },
  async *stream(request, context, next) {
    checkCaller(request, context);
    yield* next();
  },
};

function toIssue(issue: StandardSchemaV1.Issue): ValidationIssue {
  const path = (issue.path ?? []).map((segment) => {
    const key = typeof segment === 'object' ? segment.key : segment;
    return typeof key === 'number' ? key : String(key);
  });
  return { path, message: issue.message };
}

function invalid(request: Message, issues: readonly StandardSchemaV1.Issue[]): ValidationError {
  const fields = issues.map(toIssue);
  const summary = fields.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ');
  return new ValidationError(`Invalid ${request.constructor.name}: ${summary}`, fields);
}

/**
 * Validates the request's `input` and puts the schema's output in `context.input`; the request is left as it was.
 * Synchronous when the schema validates synchronously (zod without async refinements does), so a pipeline of
 * synchronous parts never awaits.
 */
function validateInput(request: Message, context: DispatchContext): void | Promise<void> {
  const schema = declarationOf(request.constructor as MessageClass).input as StandardSchemaV1;
  const apply = (result: StandardSchemaV1.Result<unknown>): void => {
    if (result.issues) throw invalid(request, result.issues);
    (context as Context).input = result.value;
  };
  const result = schema['~standard'].validate((request as { input?: unknown }).input);
  return 'then' in result ? result.then(apply) : apply(result);
}

/**
 * Validates a request's `input` against its declared Standard Schema (zod, valibot, arktype…) and hands the
 * schema's output (trimmed, coerced, defaulted) to the rest of the pipeline as `context.input`, never changing the
 * request. Failures are `VALIDATION` errors with one issue per field.
 */
export const validation: Behavior & { readonly guard: Guard } = {
  name: 'validation',
  appliesTo: (messageClass) => declarationOf(messageClass).input !== undefined,
  guard: validateInput,
  async handle(request, context, next) {
    await validateInput(request, context);
    return next();
  },
  async *stream(request, context, next) {
    await validateInput(request, context);
    yield* next();
  },
};
