// `hap produce FILE…`: event files → the Kafka topic, keyed by person.
import { loadConfig } from '../../config/config.js';
import { readEventFile } from '../../ingest/file-source.js';
import { busFor } from '../../ingest/kafka-mode.js';
import { publishEvents } from '../../ingest/kafka-publisher.js';
import { ensureTopics } from '../../kafka/topics.js';
import { openRuntime } from '../../runtime.js';
import { Progress } from '../progress.js';

export async function produceCommand(files: string[]): Promise<number> {
  const config = loadConfig(process.env);
  if (!config.kafka || files.length === 0) {
    console.error('usage: HAP_KAFKA_BROKERS=host:port hap produce FILE…');
    return 2;
  }
  const runtime = await openRuntime(config);
  const bus = busFor(runtime);
  await ensureTopics(bus, config.kafka.topic, config.kafka.dlqTopic, config.kafka.partitions);
  const producer = await bus.producer();
  try {
    for (const file of files) {
      const progress = new Progress(`produce ${file}`);
      let published = 0;
      let rejected = 0;
      for await (const batch of readEventFile(file, 10_000)) {
        const outcome = await publishEvents(batch, producer, config.kafka.topic, runtime.pipeline);
        published += outcome.published;
        rejected += outcome.rejected.length;
        progress.update(published);
      }
      progress.finish(published, `${rejected} will be rejected by the workers (invalid)`);
    }
    return 0;
  } finally {
    await producer.close();
    await runtime.close();
  }
}
