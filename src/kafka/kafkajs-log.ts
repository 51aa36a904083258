// kafkajs's log, filtered: during a group join on a fresh broker (and after a leader moves)
// kafkajs logs ERROR lines for answers it retries by itself and that are part of normal
// operation ("The coordinator is loading…"). Those go to debug; real errors stay errors.
//
// kafkajs logs only an error's message, not its code; its messages are the fixed texts of its
// own error-code table, so the table maps a message back to the Kafka error type, and the
// decision is made on the type.
import { createRequire } from 'node:module';
import { type LogEntry, logLevel } from 'kafkajs';

/** Answers a client retries by itself while a group forms or a partition's leader moves. */
export const TRANSIENT_KAFKA_ERRORS: ReadonlySet<string> = new Set([
  'GROUP_LOAD_IN_PROGRESS',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'REBALANCE_IN_PROGRESS',
]);

interface KafkajsErrorCode {
  type: string;
  message: string;
}

function errorTypesByMessage(): Map<string, string> {
  try {
    const { errorCodes } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as { errorCodes: KafkajsErrorCode[] };
    return new Map(errorCodes.map((e) => [e.message, e.type]));
  } catch {
    // A kafkajs that moved its table: nothing is lowered, every error stays visible.
    return new Map();
  }
}

const TYPES = errorTypesByMessage();

/** The Kafka error type of a kafkajs log entry's error message, when it is one of kafkajs's own. */
export function kafkaErrorType(message: unknown): string | undefined {
  return typeof message === 'string' ? TYPES.get(message) : undefined;
}

/** The level a kafkajs entry is logged at: a known transient error is debug. */
export function effectiveLevel(entry: Pick<LogEntry, 'level' | 'log'>): logLevel {
  if (entry.level <= logLevel.WARN) {
    const type = kafkaErrorType(entry.log.error);
    if (type && TRANSIENT_KAFKA_ERRORS.has(type)) return logLevel.DEBUG;
  }
  return entry.level;
}

const LABELS: Record<number, string> = { [logLevel.ERROR]: 'ERROR', [logLevel.WARN]: 'WARN', [logLevel.INFO]: 'INFO', [logLevel.DEBUG]: 'DEBUG' };

/** kafkajs's logCreator: its JSON line format, on stderr, after lowering the transient errors. */
export function kafkajsLogCreator(threshold: logLevel) {
  return () =>
    (entry: LogEntry): void => {
      const level = effectiveLevel(entry);
      if (level > threshold || level === logLevel.NOTHING) return;
      const { message, ...extra } = entry.log;
      process.stderr.write(`${JSON.stringify({ level: LABELS[level], logger: 'kafkajs', namespace: entry.namespace, message, ...extra })}\n`);
    };
}
