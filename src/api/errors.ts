// The one error catalogue of the API: stable string codes, their HTTP status, and the body
// shape `{error: {code, message, details}}`. docs/api-errors.md lists every code (a test checks).
export const ERROR_CODES = {
  invalid_parameter: { status: 400, summary: 'a query, path or body parameter is not valid; details.parameter names it' },
  invalid_body: { status: 400, summary: 'the request body is not of the expected shape' },
  unauthenticated: { status: 401, summary: 'no valid bearer token: a local API token (hap_…) or an OpenID Connect token' },
  forbidden: { status: 403, summary: 'the token is valid but its role or scope does not cover this; details say which was needed' },
  rate_limited: { status: 429, summary: 'more requests a minute than HAP_RATE_LIMIT_PER_MINUTE from one caller (token or address); Retry-After says when' },
  not_found: { status: 404, summary: 'no such resource (indicator, region, route)' },
  payload_too_large: { status: 413, summary: 'the body is larger than HAP_BODY_LIMIT_MB (after decompression)' },
  too_many_events: { status: 413, summary: 'more events in one request than HAP_MAX_EVENTS_PER_REQUEST; split the batch' },
  unsupported_media_type: { status: 415, summary: 'send application/json, application/x-ndjson or text/csv, uncompressed or gzip' },
  backup_refused: { status: 409, summary: 'no backup made: the directory is not new or empty, or the store is a ClickHouse server (use its own BACKUP)' },
  server_busy: { status: 503, summary: 'too many heavy reads (worklists, reports, exports) at once; retry after the Retry-After seconds' },
  store_unavailable: { status: 503, summary: 'ClickHouse did not answer; retry later (nothing was acknowledged)' },
  internal: { status: 500, summary: 'a bug: reported with the request id' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiError';
    this.status = ERROR_CODES[code].status;
  }
}

export const invalidParameter = (parameter: string, message: string) =>
  new ApiError('invalid_parameter', `${parameter}: ${message}`, { parameter });

export function errorBody(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, details } };
}
