// API errors as the server answers them (a Status body with code and reason), and the predicates
// controllers branch on. The predicates read only `code`/`reason`, so test fakes that throw plain
// objects with those fields are recognised too.
import type { ApiErrorShape } from './types.js';

/** A non-2xx answer from the API server. */
export class ApiError extends Error implements ApiErrorShape {
  readonly code: number;
  readonly reason: string;
  readonly status?: Record<string, unknown>;

  constructor(code: number, reason: string, message: string, status?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.status = status;
  }

  /** Builds the error from a response body: a Status when the server sent one, plain text otherwise. */
  static fromResponse(httpCode: number, body: string): ApiError {
    const status = parseStatus(body);
    if (status) {
      const code = typeof status.code === 'number' ? status.code : httpCode;
      const reason = typeof status.reason === 'string' && status.reason ? status.reason : reasonForCode(code);
      const message = typeof status.message === 'string' ? status.message : body;
      return new ApiError(code, reason, message, status);
    }
    return new ApiError(httpCode, reasonForCode(httpCode), body.trim() || `HTTP ${httpCode}`);
  }

  /** Builds the error from the Status carried by a watch ERROR event. */
  static fromStatus(status: Record<string, unknown>): ApiError {
    return ApiError.fromResponse(typeof status.code === 'number' ? status.code : 500, JSON.stringify(status));
  }
}

function parseStatus(body: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === 'object' && (parsed as { kind?: unknown }).kind === 'Status') {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // not JSON: the caller falls back to the text
  }
  return undefined;
}

/** The upstream StatusReason for a code, for answers that carried no Status. */
export function reasonForCode(code: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    406: 'NotAcceptable',
    409: 'Conflict',
    410: 'Expired',
    413: 'RequestEntityTooLarge',
    415: 'UnsupportedMediaType',
    422: 'Invalid',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return reasons[code] ?? 'Unknown';
}

function fields(err: unknown): { code?: number; reason?: string } {
  if (!err || typeof err !== 'object') return {};
  const { code, reason } = err as { code?: unknown; reason?: unknown };
  return { code: typeof code === 'number' ? code : undefined, reason: typeof reason === 'string' ? reason : undefined };
}

/** The HTTP code of an API error, or undefined for anything else (network errors included). */
export function errorCode(err: unknown): number | undefined {
  return fields(err).code;
}

export function isNotFound(err: unknown): boolean {
  return fields(err).code === 404;
}

/** An optimistic-concurrency conflict (409 other than AlreadyExists), as client-go's IsConflict. */
export function isConflict(err: unknown): boolean {
  const { code, reason } = fields(err);
  return code === 409 && reason !== 'AlreadyExists';
}

export function isAlreadyExists(err: unknown): boolean {
  const { code, reason } = fields(err);
  return code === 409 && reason === 'AlreadyExists';
}

/** 410: a resourceVersion or continue token too old; the caller must relist. */
export function isGone(err: unknown): boolean {
  return fields(err).code === 410;
}

export function isForbidden(err: unknown): boolean {
  return fields(err).code === 403;
}

export function isInvalid(err: unknown): boolean {
  return fields(err).code === 422;
}

export function isTooManyRequests(err: unknown): boolean {
  return fields(err).code === 429;
}
