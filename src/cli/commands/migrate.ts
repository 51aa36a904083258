import { loadConfig } from '../../config/config.js';
import { openStore } from '../../store/clickhouse.js';
import { migrate } from '../../store/migrations.js';
import { type CommandHelp, parseCommandArgs } from '../cli-args.js';

const help: CommandHelp = { usage: 'hap migrate', summary: 'Applies the schema migrations not yet applied (every start does too).' };

async function run(args: string[]): Promise<number> {
  parseCommandArgs('migrate', help, args);
  const store = await openStore(loadConfig(process.env));
  try {
    const applied = await migrate(store.client, undefined, store.cluster);
    console.log(applied.length === 0 ? 'schema is up to date' : `applied migrations ${applied.join(', ')}`);
    return 0;
  } finally {
    await store.close();
  }
}

export const migrateCommand = { help, run };
