// `hap restore DIR`: replaces the embedded store with a backup of `hap backup`, and puts its keys
// where the next start reads them. The store must not be served meanwhile: a restore replaces
// everything a server would be answering from.
import { installBackupKeys, restoreKeyProblem } from '../../config/backup-keys.js';
import { type Config, loadConfig } from '../../config/config.js';
import { forgetStateBuilds } from '../../metrics/state/state-tables.js';
import { type BackupContents, readBackup, restoreDatabase } from '../../store/backup.js';
import { openStore, type Store, StoreLockedError } from '../../store/clickhouse.js';
import { migrate } from '../../store/migrations.js';
import { type CommandHelp, parseCommandArgs, UsageError } from '../cli-args.js';

const help: CommandHelp = {
  usage: 'hap restore DIR',
  summary:
    'Replaces the embedded store with the backup in DIR (hap backup DIR) and installs its pseudonym key and sealing keys in HAP_DATA_DIR\n' +
    '(a different key already there is kept aside as *.before-restore-TIME). Stop the server first. The maintained state is rebuilt at the next start.',
  positionals: { min: 1, max: 1, name: 'the backup directory DIR' },
};

/**
 * The data part of a restore, on an open store: the backup's database swapped in, migrated to
 * this version's schema, the maintained state marked for rebuilding.
 */
export async function restoreStore(store: Store, backup: BackupContents): Promise<{ tables: Record<string, number>; ms: number }> {
  const restored = await restoreDatabase(store, backup);
  await migrate(store.client, undefined, store.cluster);
  await forgetStateBuilds(store.client);
  return restored;
}

async function restoreHere(config: Config, backup: BackupContents): Promise<number> {
  let store: Store;
  try {
    store = await openStore(config);
  } catch (error) {
    if (!(error instanceof StoreLockedError)) throw error;
    console.error(`hap restore: the store ${error.path} is held by a running server (hap serve): stop it first, a restore replaces everything it serves`);
    return 1;
  }
  try {
    const restored = await restoreStore(store, backup);
    installBackupKeys(config, backup, (m) => console.error(m));
    console.log(
      `restored ${backup.dir} (made ${backup.manifest.created_at}): ${restored.tables.events ?? 0} events, ${Object.keys(restored.tables).length} tables, ${restored.ms} ms; the maintained state is rebuilt at the next start`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

async function run(args: string[]): Promise<number> {
  const dir = parseCommandArgs('restore', help, args).positionals[0]!;
  const config = loadConfig(process.env);
  if (config.clickhouse.mode === 'server') throw new UsageError("restore: the store is a ClickHouse server (HAP_CLICKHOUSE_URL): use its own RESTORE (README: Backups)");
  const read = readBackup(dir);
  if (!read.ok) {
    console.error(`hap restore: ${read.problem}`);
    return 1;
  }
  const keyProblem = restoreKeyProblem(config, read.backup);
  if (keyProblem) {
    console.error(`hap restore: nothing restored: ${keyProblem}`);
    return 1;
  }
  return restoreHere(config, read.backup);
}

export const restoreCommand = { help, run };
