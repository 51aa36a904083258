// `hap kafka init`: create the event topic and its dead-letter topic.
import { loadConfig } from '../../config/config.js';
import { kafkajsBus } from '../../kafka/kafkajs-bus.js';
import { ensureTopics } from '../../kafka/topics.js';

export async function kafkaCommand(args: string[]): Promise<number> {
  const config = loadConfig(process.env);
  if (args[0] !== 'init' || !config.kafka) {
    console.error('usage: HAP_KAFKA_BROKERS=host:port hap kafka init');
    return 2;
  }
  const k = config.kafka;
  const created = await ensureTopics(kafkajsBus({ brokers: k.brokers, ssl: k.ssl, ...(k.sasl ? { sasl: k.sasl } : {}) }), k.topic, k.dlqTopic, k.partitions);
  console.log(created.length ? `created ${created.join(', ')}` : `topics ${k.topic} and ${k.dlqTopic} exist`);
  return 0;
}
