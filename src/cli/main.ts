// `hap <command>`: the dispatcher. Each command lives in its own module.
import { ConfigError } from '../config/config.js';

const USAGE = `hap — 居民健康档案监管 health-archive-pipeline

Usage: hap <command> [options]

  start                 the whole pipeline on the embedded default: synthetic district (when the
                        store is empty) → ingest → embedded ClickHouse → API on http://127.0.0.1:3000
                        [--scale 1] [--seed N]
  serve                 the API over what is stored (never generates)
  import FILE…          ingest event files (NDJSON, JSON array, CSV with flattened columns)
  generate              write a synthetic district's events and population
                        [--out DIR] [--scale 1] [--seed N] [--until YYYY-MM-DD] [--county CODE]
  population import FILE.csv   load denominators (columns year,division_code,group,count)
  migrate               apply schema migrations
  ingest                Kafka consumer worker (HAP_KAFKA_BROKERS); status on HAP_INGEST_PORT
  produce FILE…         event files → the Kafka topic (keyed by person)
  kafka init            create the event topic and the dead-letter topic
  token create --role ROLE [--scope CODE] [--expires DAYS]   a new API token (printed once, last line)
  token list | token revoke ID                               API tokens (hashes only are kept)

Configuration: HAP_* environment variables (see README.md).`;

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./commands/start.js')).startCommand,
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  import: async () => (await import('./commands/import.js')).importCommand,
  generate: async () => (await import('./commands/generate.js')).generateCommand,
  population: async () => (await import('./commands/population.js')).populationCommand,
  migrate: async () => (await import('./commands/migrate.js')).migrateCommand,
  ingest: async () => (await import('./commands/ingest.js')).ingestCommand,
  produce: async () => (await import('./commands/produce.js')).produceCommand,
  kafka: async () => (await import('./commands/kafka.js')).kafkaCommand,
  token: async () => (await import('./commands/token.js')).tokenCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`hap: unknown command ${name}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}
