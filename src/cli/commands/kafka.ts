// `hap kafka init`: create the event topic and its dead-letter topic.
import { loadConfig } from '../../config/config.js';
import { kafkajsBus } from '../../kafka/kafkajs-bus.js';
import { ensureTopics } from '../../kafka/topics.js';
import { type CommandHelp, parseCommandArgs, UsageError } from '../cli-args.js';

const help: CommandHelp = {
  usage: 'HAP_KAFKA_BROKERS=host:port hap kafka init',
  summary: 'Creates the event topic and its dead-letter topic (HAP_KAFKA_TOPIC, HAP_KAFKA_DLQ_TOPIC) when missing.',
  positionals: { min: 1, max: 1, name: 'the subcommand: init' },
};

async function run(args: string[]): Promise<number> {
  const [sub] = parseCommandArgs('kafka', help, args).positionals;
  if (sub !== 'init') throw new UsageError(`kafka: unknown subcommand ${sub} (only init)`);
  const config = loadConfig(process.env);
  if (!config.kafka) throw new UsageError('kafka init: set HAP_KAFKA_BROKERS (e.g. the address `npm run kafka:start` prints)');
  const k = config.kafka;
  const created = await ensureTopics(kafkajsBus({ brokers: k.brokers, ssl: k.ssl, ...(k.sasl ? { sasl: k.sasl } : {}) }), k.topic, k.dlqTopic, k.partitions);
  console.log(created.length ? `created ${created.join(', ')}` : `topics ${k.topic} and ${k.dlqTopic} exist`);
  return 0;
}

export const kafkaCommand = { help, run };
