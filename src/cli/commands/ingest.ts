// `hap ingest`: a Kafka consumer worker. Several share the partitions of one group when the
// store is a ClickHouse server. Each also answers the API (status, metrics, reads) on
// HAP_INGEST_PORT; scheduled jobs run only in `hap serve`.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config.js';
import { openRuntime } from '../../runtime.js';
import { serveRuntime } from './serve.js';

export async function ingestCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' } } });
  const config = loadConfig(process.env);
  if (!config.kafka) {
    console.error('hap ingest: set HAP_KAFKA_BROKERS (e.g. the address `npm run kafka:start` prints)');
    return 2;
  }
  const runtime = await openRuntime(config);
  try {
    await serveRuntime(runtime, { consume: true, jobs: false, port: values.port ? Number(values.port) : config.ingestPort });
    return 0;
  } finally {
    await runtime.close();
  }
}
