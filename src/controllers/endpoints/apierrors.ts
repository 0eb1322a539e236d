// Reads the HTTP code of an API error (the client's ApiErrorShape, or a test fake carrying `code`).
// Local to these controllers so that their pure parts and fakes need no live client module.

export function apiErrorCode(err: unknown): number | undefined {
  if (err && typeof err === 'object' && typeof (err as { code?: unknown }).code === 'number') {
    return (err as { code: number }).code;
  }
  return undefined;
}

export const isNotFoundError = (err: unknown): boolean => apiErrorCode(err) === 404;
export const isConflictError = (err: unknown): boolean => apiErrorCode(err) === 409 && (err as { reason?: string }).reason !== 'AlreadyExists';
export const isAlreadyExistsError = (err: unknown): boolean => apiErrorCode(err) === 409 && (err as { reason?: string }).reason === 'AlreadyExists';
export const isForbiddenError = (err: unknown): boolean => apiErrorCode(err) === 403;
/** The verb or resource is not served (405 MethodNotAllowed, 404 for a vanished group). */
export const isMethodNotSupportedError = (err: unknown): boolean => apiErrorCode(err) === 405;
