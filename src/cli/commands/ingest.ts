// `hap ingest`: a Kafka consumer worker. Several share the partitions of one group when the
// store is a ClickHouse server. Each also answers the API (status, metrics, reads) on
// HAP_INGEST_PORT; scheduled jobs run only in `hap serve`.
import { loadConfig } from '../../config/config.js';
import { openRuntime } from '../../runtime.js';
import { type CommandHelp, numberOption, parseCommandArgs, stringValue, UsageError } from '../cli-args.js';
import { serveRuntime } from './serve.js';

const help: CommandHelp = {
  usage: 'HAP_KAFKA_BROKERS=host:port hap ingest [--port N]',
  summary: 'A Kafka consumer worker of the group HAP_KAFKA_GROUP; answers status, metrics and reads on its port. Runs no scheduled jobs.',
  options: { port: { type: 'string', value: 'N', description: 'status/metrics port', default: 'HAP_INGEST_PORT, 3001' } },
};

async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('ingest', help, args);
  const portText = stringValue(parsed, 'port');
  const port = portText === undefined ? undefined : numberOption('ingest', 'port', portText, { integer: true, min: 0 });
  const config = loadConfig(process.env);
  if (!config.kafka) throw new UsageError('ingest: set HAP_KAFKA_BROKERS (e.g. the address `npm run kafka:start` prints)');
  const runtime = await openRuntime(config);
  try {
    await serveRuntime(runtime, { consume: true, jobs: false, port: port ?? config.ingestPort });
    return 0;
  } finally {
    await runtime.close();
  }
}

export const ingestCommand = { help, run };
