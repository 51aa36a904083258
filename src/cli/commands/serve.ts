import { buildApp } from '../../api/app.js';
import { loadConfig } from '../../config/config.js';
import { type KafkaMode, startKafkaMode } from '../../ingest/kafka-mode.js';
import { type Scheduler, startScheduledJobs } from '../../jobs/scheduler.js';
import { openRuntime, type Runtime } from '../../runtime.js';
import { type CommandHelp, parseCommandArgs, stringValue } from '../cli-args.js';

/** Resolves on SIGINT/SIGTERM, or rejects when the Kafka consumer has crashed for good. */
function untilStopped(kafka?: KafkaMode): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    kafka?.worker?.crashed?.then((error) => reject(new Error(`Kafka consumer stopped: ${error.message}`)));
  });
}

/**
 * Serves the API until stopped; in Kafka mode also consumes when `consume` (always with the
 * embedded store: chDB binds one data directory per process). Closes server, worker, store in order.
 */
export async function serveRuntime(runtime: Runtime, options: { port?: number; consume?: boolean; jobs?: boolean } = {}): Promise<void> {
  const kafka = runtime.config.kafka
    ? await startKafkaMode(runtime, { consume: options.consume ?? runtime.store.mode === 'embedded', log: (m) => console.error(m) })
    : undefined;
  let jobs: Scheduler | undefined;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    app = await buildApp(runtime, { logger: true, ...(kafka ? { acceptEvents: kafka.acceptEvents, kafkaReady: kafka.kafkaReady, ingest: kafka.ingest } : {}) });
    const log = app.log;
    // Scheduled jobs run in the serving process only (`hap ingest` workers would repeat them).
    if (options.jobs ?? true) jobs = startScheduledJobs(runtime, (m) => log.info(m));
    await app.listen({ host: runtime.config.host, port: options.port ?? runtime.config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : runtime.config.port;
    const mode = kafka ? `Kafka ${runtime.config.kafka?.brokers.join(',')} topic ${runtime.config.kafka?.topic}${kafka.worker ? ', consuming' : ''}` : 'embedded';
    console.log(`serving on http://${runtime.config.host}:${port}  (API docs: http://${runtime.config.host}:${port}/docs; ${mode})`);
    // The maintained state builds in the background: until a year is built its reads use the log.
    runtime.state?.start().catch((error) => log.error(`maintained state: ${String(error)}`));
    await untilStopped(kafka);
  } finally {
    await jobs?.stop();
    await app?.close();
    await kafka?.stop();
  }
}

const help: CommandHelp = {
  usage: 'hap serve [--port N] [--host ADDRESS] [--consume]',
  summary: 'Serves the API and the dashboard over what is stored; never generates. In Kafka mode with the embedded store it also consumes.',
  options: {
    port: { type: 'string', value: 'N', description: 'API port (0: any free port)', default: 'HAP_PORT, 3000' },
    host: { type: 'string', value: 'ADDRESS', description: 'API address', default: 'HAP_HOST, 127.0.0.1' },
    consume: { type: 'boolean', description: 'consume the Kafka topic in this process even with a ClickHouse server' },
  },
};

async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('serve', help, args);
  const port = stringValue(parsed, 'port');
  const host = stringValue(parsed, 'host');
  // A bad port is reported by the configuration's validation, with every other problem.
  const config = loadConfig(process.env, { ...(port !== undefined ? { HAP_PORT: port } : {}), ...(host !== undefined ? { HAP_HOST: host } : {}) });
  const values = parsed.values;
  const runtime = await openRuntime(config);
  try {
    await serveRuntime(runtime, values.consume ? { consume: true } : {});
    return 0;
  } finally {
    await runtime.close();
  }
}

export const serveCommand = { help, run };
