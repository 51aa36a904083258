// Starts the real Kafka broker the integration tests talk to (scripts/kafka.mjs: Kafka 4.x from
// Maven Central, KRaft, 127.0.0.1) on its own port and state folder, and stops it afterwards.
// HAP_TEST_KAFKA_BROKERS set → use that broker instead and leave it running.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const SCRIPT = fileURLToPath(new URL('../scripts/kafka.mjs', import.meta.url));
const ARGS = ['--port', '19092', '--controller-port', '19093', '--home', fileURLToPath(new URL('../.kafka/test', import.meta.url))];

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
  }
}

export default function setup(project: TestProject): () => void {
  const external = process.env.HAP_TEST_KAFKA_BROKERS;
  if (external) {
    project.provide('kafkaBrokers', external);
    return () => {};
  }
  const output = execFileSync(process.execPath, [SCRIPT, 'start', ...ARGS], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const brokers = output.trim().split('\n').pop() ?? '';
  if (!/^[\d.]+:\d+$/.test(brokers)) throw new Error(`the test broker did not start: ${output}`);
  project.provide('kafkaBrokers', brokers);
  return () => {
    execFileSync(process.execPath, [SCRIPT, 'stop', ...ARGS], { stdio: 'inherit' });
  };
}
