// `hap backup DIR`: the embedded store and its keys, into a new directory. chDB binds the data
// directory to one process, so beside a running server the server makes it (POST /v1/admin/backup).
import { resolve } from 'node:path';
import { keyTextsInUse } from '../../config/backup-keys.js';
import { type Config, loadConfig } from '../../config/config.js';
import { PSEUDONYM_KEY_WARNING } from '../../config/pseudonym-key.js';
import { backupStore, checkBackupTarget } from '../../store/backup.js';
import { openStore, StoreLockedError } from '../../store/clickhouse.js';
import { type ApiTarget, callApi, sendsThroughServer, serverTarget } from '../api-client.js';
import { type CommandHelp, parseCommandArgs, UsageError } from '../cli-args.js';

const help: CommandHelp = {
  usage: 'hap backup DIR',
  summary:
    'Backs up the embedded store (ClickHouse BACKUP of every table, consistent per table while serving) with the pseudonym key and the sealing keys into DIR, a new or empty directory (mode 0700).\n' +
    'Restore with hap restore DIR. With a ClickHouse server (HAP_CLICKHOUSE_URL) use its own BACKUP (README: Backups).',
  positionals: { min: 1, max: 1, name: 'the backup directory DIR' },
  notes:
    'Beside a running server (it holds the store), the server writes DIR: HAP_API_URL=http://HOST:PORT HAP_API_TOKEN=<operator token>;\n' +
    'HAP_API_TOKEN alone sends to HAP_HOST:HAP_PORT when the store is held.',
};

interface Made {
  dir: string;
  bytes: number;
  files: number;
  ms: number;
  tables: Record<string, number>;
  sealing_keys: boolean;
}

function report(made: Made): void {
  const events = made.tables.events ?? 0;
  console.log(`backup ${made.dir}: ${events} events, ${Object.keys(made.tables).length} tables, ${(made.bytes / 1024 / 1024).toFixed(1)} MiB in ${made.files} files, ${made.ms} ms`);
  console.error(
    `!! ${made.dir} holds the pseudonym key${made.sealing_keys ? ' and the sealing keys' : ''} beside the data: keep it where only operators read it, and keep it; ${PSEUDONYM_KEY_WARNING}`,
  );
}

async function throughServer(target: ApiTarget, dir: string): Promise<number> {
  const answer = await callApi<Made>(target, 'POST', '/v1/admin/backup', { type: 'application/json', text: JSON.stringify({ dir }) });
  if (!answer.ok) {
    console.error(`hap backup: ${answer.problem}`);
    return 1;
  }
  report(answer.body);
  return 0;
}

async function backupHere(config: Config, dir: string): Promise<number> {
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore(config);
  } catch (error) {
    if (!(error instanceof StoreLockedError)) throw error;
    if (config.api.token) return throughServer(serverTarget(config), dir);
    console.error(`hap backup: the store ${error.path} is held by a running server (hap serve); it makes the backup: HAP_API_URL=http://HOST:PORT HAP_API_TOKEN=<operator token> hap backup ${dir}`);
    return 1;
  }
  try {
    const made = await backupStore(store, dir, keyTextsInUse(config));
    if (!made.ok) {
      console.error(`hap backup: ${made.problem}`);
      return 1;
    }
    report({ dir: made.dir, bytes: made.manifest.bytes, files: made.manifest.files, ms: made.ms, tables: made.manifest.tables, sealing_keys: made.manifest.sealing_keys });
    return 0;
  } finally {
    await store.close();
  }
}

async function run(args: string[]): Promise<number> {
  const dir = resolve(parseCommandArgs('backup', help, args).positionals[0]!);
  const config = loadConfig(process.env);
  if (sendsThroughServer(config)) return throughServer(serverTarget(config), dir);
  if (config.clickhouse.mode === 'server') {
    throw new UsageError("backup: the store is a ClickHouse server (HAP_CLICKHOUSE_URL): use its own BACKUP (README: Backups), and keep HAP_PSEUDONYM_KEY and HAP_SEALING_KEYS with it");
  }
  const problem = checkBackupTarget(dir);
  if (problem) throw new UsageError(`backup: ${problem}`);
  return backupHere(config, dir);
}

export const backupCommand = { help, run };
