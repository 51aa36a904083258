// `hap <command>`: the dispatcher. Each command lives in its own module with its help.
import { ConfigError } from '../config/config.js';
import { type CommandHelp, helpText, UsageError, wantsHelp } from './cli-args.js';

const USAGE = `hap — 居民健康档案监管 health-archive-pipeline

Usage: hap <command> [options]      hap <command> --help, hap help <command>: its options

  start                 the whole pipeline on the embedded default: synthetic district (when the
                        store is empty or half-filled) → ingest → embedded ClickHouse → API on
                        http://127.0.0.1:3000
  serve                 the API over what is stored (never generates)
  import FILE…          ingest event files (NDJSON, JSON array, CSV with flattened columns)
  generate              write a synthetic district's events and population
  population import FILE.csv   load denominators (columns year,division_code,group,count)
  migrate               apply schema migrations
  backup DIR            the embedded store and its keys into a new directory (through a running server too)
  restore DIR           replace the embedded store with a backup and install its keys (server stopped)
  ingest                Kafka consumer worker (HAP_KAFKA_BROKERS); status on HAP_INGEST_PORT
  produce FILE…         event files → the Kafka topic (keyed by person)
  kafka init            create the event topic and the dead-letter topic
  token create --role ROLE [--scope CODE] [--expires DAYS]   a new API token (printed once, last line)
  token list | token revoke ID                               API tokens (hashes only are kept)
  help [COMMAND]        this list, or a command's options

Configuration: HAP_* environment variables (see README.md).`;

export interface CommandModule {
  run: (args: string[]) => Promise<number>;
  help: CommandHelp;
}

const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  start: async () => (await import('./commands/start.js')).startCommand,
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  import: async () => (await import('./commands/import.js')).importCommand,
  generate: async () => (await import('./commands/generate.js')).generateCommand,
  population: async () => (await import('./commands/population.js')).populationCommand,
  migrate: async () => (await import('./commands/migrate.js')).migrateCommand,
  backup: async () => (await import('./commands/backup.js')).backupCommand,
  restore: async () => (await import('./commands/restore.js')).restoreCommand,
  ingest: async () => (await import('./commands/ingest.js')).ingestCommand,
  produce: async () => (await import('./commands/produce.js')).produceCommand,
  kafka: async () => (await import('./commands/kafka.js')).kafkaCommand,
  token: async () => (await import('./commands/token.js')).tokenCommand,
};

function commandNamed(name: string): () => Promise<CommandModule> {
  const load = COMMANDS[name];
  if (!load) throw new UsageError(`unknown command ${name} (hap help lists them)`);
  return load;
}

async function dispatch(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    console.error(USAGE);
    return 2;
  }
  if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    console.log(USAGE);
    return 0;
  }
  if (name === 'help') {
    console.log(helpText((await commandNamed(rest[0]!)()).help));
    return 0;
  }
  const command = await commandNamed(name)();
  if (wantsHelp(rest)) {
    console.log(helpText(command.help));
    return 0;
  }
  return command.run(rest);
}

export async function main(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (error) {
    // The user's mistakes, answered in one line; anything else is a bug and keeps its stack.
    if (error instanceof UsageError) {
      console.error(`hap ${error.message}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    const e = error as { code?: unknown; path?: unknown };
    if (e.code === 'ENOENT' && typeof e.path === 'string') {
      console.error(`hap ${argv[0]}: no such file: ${e.path}`);
      return 2;
    }
    throw error;
  }
}
