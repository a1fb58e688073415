import { isRestError } from '@azure/core-rest-pipeline';

/** The error's own words, for a problem message: `HTTP 403 AuthorizationFailed: ...` for a service's refusal. */
export function describeError(error: unknown): string {
  if (isRestError(error)) {
    const code = error.code && error.code !== 'REQUEST_SEND_ERROR' ? ` ${error.code}` : '';
    return error.statusCode ? `HTTP ${error.statusCode}${code}: ${error.message}` : error.message;
  }
  // Not `instanceof Error`: errors from another realm (a test's VM context) are errors too.
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** The error's `name`, whatever realm it comes from. */
export function errorName(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : '';
}
