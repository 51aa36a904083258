import { loadConfig } from '../../config/config.js';
import { openStore, StoreLockedError } from '../../store/clickhouse.js';
import { migrate } from '../../store/migrations.js';
import { type CommandHelp, parseCommandArgs } from '../cli-args.js';

const help: CommandHelp = { usage: 'hap migrate', summary: 'Applies the schema migrations not yet applied (every start does too).' };

async function run(args: string[]): Promise<number> {
  parseCommandArgs('migrate', help, args);
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore(loadConfig(process.env));
  } catch (error) {
    if (!(error instanceof StoreLockedError)) throw error;
    // Every start migrates before it serves: the schema of a running server is up to date.
    console.log(`hap migrate: the store ${error.path} is held by a running server (hap serve), which applied the migrations when it started; nothing to do`);
    return 0;
  }
  try {
    const applied = await migrate(store.client, undefined, store.cluster);
    console.log(applied.length === 0 ? 'schema is up to date' : `applied migrations ${applied.join(', ')}`);
    return 0;
  } finally {
    await store.close();
  }
}

export const migrateCommand = { help, run };
