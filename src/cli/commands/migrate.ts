import { loadConfig } from '../../config/config.js';
import { openStore } from '../../store/clickhouse.js';
import { migrate } from '../../store/migrations.js';

export async function migrateCommand(): Promise<number> {
  const store = await openStore(loadConfig(process.env));
  try {
    const applied = await migrate(store.client, undefined, store.cluster);
    console.log(applied.length === 0 ? 'schema is up to date' : `applied migrations ${applied.join(', ')}`);
    return 0;
  } finally {
    await store.close();
  }
}
