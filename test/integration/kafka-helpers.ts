// Helpers for tests against the real broker started by test/global-setup.ts.
import { inject } from 'vitest';
import type { EventBus } from '../../src/kafka/bus.js';
import { kafkajsBus } from '../../src/kafka/kafkajs-bus.js';
import { queryRows } from '../../src/store/clickhouse.js';
import type { ClickHouseClient } from '@clickhouse/client';

export function testBrokers(): string {
  const brokers = inject('kafkaBrokers');
  // test/global-setup.ts starts the broker only for files named kafka-*.test.ts.
  if (!brokers) throw new Error('no test Kafka broker in this run: a test file that needs it must be named kafka-*.test.ts');
  return brokers;
}

export function testBus(): EventBus {
  return kafkajsBus({ brokers: [testBrokers()], clientId: 'hap-test' });
}

/** A topic name no earlier run used: offsets (and insert dedup tokens) start afresh. */
export function uniqueTopic(name: string): string {
  return `test.${name}.${process.pid}.${Date.now()}`;
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export async function countOf(client: ClickHouseClient, sql: string): Promise<number> {
  const [row] = await queryRows<{ n: string }>(client, sql);
  return Number(row?.n ?? 0);
}
