// Topic setup (`hap kafka init`, and at worker start): the event topic and its dead letters.
import type { EventBus } from './bus.js';
import { KAFKA_DEFAULTS } from './defaults.js';

export async function ensureTopics(bus: EventBus, topic: string, dlqTopic: string, partitions: number = KAFKA_DEFAULTS.partitions): Promise<string[]> {
  const admin = await bus.admin();
  try {
    const created: string[] = [];
    if (await admin.ensureTopic(topic, partitions, KAFKA_DEFAULTS.topicConfig)) created.push(topic);
    if (await admin.ensureTopic(dlqTopic, 1, KAFKA_DEFAULTS.dlqConfig)) created.push(dlqTopic);
    return created;
  } finally {
    await admin.close();
  }
}
