import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { effectiveLevel, kafkaErrorType } from '../../src/kafka/kafkajs-log.js';

const entry = (level: logLevel, error: string) => ({ level, log: { timestamp: '', message: '[Connection] Response GroupCoordinator(key: 10, version: 2)', error } });

describe('kafkajs log levels', () => {
  it('maps kafkajs messages back to the Kafka error type', () => {
    expect(kafkaErrorType("The coordinator is loading and hence can't process requests for this group")).toBe('GROUP_LOAD_IN_PROGRESS');
    expect(kafkaErrorType('something else')).toBeUndefined();
  });

  it('lowers the answers kafkajs retries during a group join to debug, keeps real errors', () => {
    expect(effectiveLevel(entry(logLevel.ERROR, "The coordinator is loading and hence can't process requests for this group"))).toBe(logLevel.DEBUG);
    expect(effectiveLevel(entry(logLevel.ERROR, 'The group coordinator is not available'))).toBe(logLevel.DEBUG);
    expect(effectiveLevel(entry(logLevel.ERROR, 'Not authorized to access topics: [Topic authorization failed]'))).toBe(logLevel.ERROR);
    expect(effectiveLevel(entry(logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092'))).toBe(logLevel.ERROR);
  });
});
