// Retrying store writes: classification by error code (never by message text), exponential
// backoff with full jitter. Pure helpers, unit-tested.
//
// Three kinds of store failure call for three different answers, so they are told apart here:
// the store briefly unable (wait and retry the same insert), an insert too large for the memory
// it may use (retrying the same insert fails the same way: split it), and content the store
// refuses (a retry never helps: isolate the events it refuses). An error with no code at all is
// a bug in this program and is neither retried nor set aside.

// ClickHouse error codes worth retrying: the server is busy or briefly unable, not wrong.
const RETRIABLE_CLICKHOUSE_CODES = new Set([
  '159', // TIMEOUT_EXCEEDED
  '160', // TOO_SLOW
  '164', // READONLY (replica)
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '203', // NO_FREE_CONNECTION
  '209', // SOCKET_TIMEOUT
  '210', // NETWORK_ERROR
  '242', // TABLE_IS_READ_ONLY
  '252', // TOO_MANY_PARTS
  '319', // UNKNOWN_STATUS_OF_INSERT
  '425', // SYSTEM_ERROR
  '999', // KEEPER_EXCEPTION
]);
const RETRIABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

// Not retried as is: the same insert needs the same memory. Split, it fits.
const TOO_LARGE_CLICKHOUSE_CODES = new Set(['241']); // MEMORY_LIMIT_EXCEEDED

export type StoreErrorKind = 'retriable' | 'too_large' | 'refused' | 'bug';

type CodedError = { code?: unknown; clickhouseCode?: unknown; cause?: unknown; retriable?: unknown };

/** The ClickHouse error code of an error or of one of its causes (chDB and the HTTP client name it differently). */
export function clickhouseCodeOf(error: unknown): string | undefined {
  for (let e = error as CodedError | undefined, depth = 0; e && typeof e === 'object' && depth < 8; e = e.cause as CodedError | undefined, depth++) {
    if (e.clickhouseCode !== undefined && e.clickhouseCode !== null) return String(e.clickhouseCode);
    if (typeof e.code === 'string' && /^\d+$/.test(e.code)) return e.code;
  }
  return undefined;
}

function hasRetriableCause(error: unknown): boolean {
  for (let e = error as CodedError | undefined, depth = 0; e && typeof e === 'object' && depth < 8; e = e.cause as CodedError | undefined, depth++) {
    if (e.retriable === true) return true;
    if (typeof e.code === 'string' && RETRIABLE_NODE_CODES.has(e.code)) return true;
  }
  return false;
}

export function classifyStoreError(error: unknown): StoreErrorKind {
  if (hasRetriableCause(error)) return 'retriable';
  const code = clickhouseCodeOf(error);
  if (code === undefined) return 'bug';
  if (RETRIABLE_CLICKHOUSE_CODES.has(code)) return 'retriable';
  if (TOO_LARGE_CLICKHOUSE_CODES.has(code)) return 'too_large';
  return 'refused';
}

export function isRetriableStoreError(error: unknown): boolean {
  return classifyStoreError(error) === 'retriable';
}

/** Full-jitter exponential backoff: uniform in [0, min(max, base·2^attempt)]. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}

export interface RetryControl {
  /** stop retrying (consumer stopping, partition revoked) */
  shouldGiveUp(): boolean;
  /** called while waiting, e.g. Kafka heartbeats */
  keepAlive(): Promise<void>;
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
}

export type RetryOutcome<T> = { ok: true; value: T } | { ok: false; reason: 'given_up' };

/** Retries `work` while its errors are retriable; a programmer error is thrown at once. */
export async function retryWhileRetriable<T>(work: () => Promise<T>, control: RetryControl, baseMs: number, maxMs: number): Promise<RetryOutcome<T>> {
  for (let attempt = 0; ; attempt++) {
    if (control.shouldGiveUp()) return { ok: false, reason: 'given_up' };
    try {
      return { ok: true, value: await work() };
    } catch (error) {
      if (!isRetriableStoreError(error)) throw error;
      const delay = backoffDelay(attempt, baseMs, maxMs);
      control.onRetry?.(error, attempt, delay);
      const until = Date.now() + delay;
      while (Date.now() < until) {
        if (control.shouldGiveUp()) return { ok: false, reason: 'given_up' };
        await control.keepAlive();
        await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, until - Date.now()))));
      }
    }
  }
}
