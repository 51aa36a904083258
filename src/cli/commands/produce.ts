// `hap produce FILE…`: event files → the Kafka topic, keyed by person. It opens no store: the key
// of a message needs only the reference data and the pseudonym key, so it runs beside a server.
import { loadConfig } from '../../config/config.js';
import { readEventFile } from '../../ingest/file-source.js';
import { busFor } from '../../ingest/kafka-mode.js';
import { publishEvents } from '../../ingest/kafka-publisher.js';
import { ensureTopics } from '../../kafka/topics.js';
import { resolvePseudonymKey } from '../../config/pseudonym-key.js';
import { loadReferenceData } from '../../reference/reference-data.js';
import { type CommandHelp, existingFile, parseCommandArgs, UsageError } from '../cli-args.js';
import { Progress } from '../progress.js';

const help: CommandHelp = {
  usage: 'HAP_KAFKA_BROKERS=host:port hap produce FILE…',
  summary: 'Publishes event files to the Kafka topic, keyed by the keyed hash of the person (one person, one partition).',
  positionals: { min: 1, name: 'one or more event files (NDJSON, .json array or .csv)' },
};

async function run(args: string[]): Promise<number> {
  const files = parseCommandArgs('produce', help, args).positionals;
  for (const file of files) existingFile('produce', file);
  const config = loadConfig(process.env);
  if (!config.kafka) throw new UsageError('produce: set HAP_KAFKA_BROKERS (e.g. the address `npm run kafka:start` prints)');
  const keyed = { reference: loadReferenceData(config.region, config.institutionFiles), pseudonymKey: resolvePseudonymKey(config) };
  const bus = busFor({ config });
  const kafka = config.kafka;
  await ensureTopics(bus, kafka.topic, kafka.dlqTopic, kafka.partitions);
  const producer = await bus.producer();
  try {
    for (const file of files) {
      const progress = new Progress(`produce ${file}`);
      let published = 0;
      let rejected = 0;
      for await (const batch of readEventFile(file, 10_000)) {
        const outcome = await publishEvents(batch, producer, kafka.topic, keyed);
        published += outcome.published;
        rejected += outcome.rejected.length;
        progress.update(published);
      }
      progress.finish(published, `${rejected} will be rejected by the workers (invalid)`);
    }
    return 0;
  } finally {
    await producer.close();
  }
}

export const produceCommand = { help, run };
