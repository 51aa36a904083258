// Everything a command needs, opened once from the configuration: the store (migrated), the
// reference data and the pseudonym key. Closed once, by whoever opened it.
import type { Config } from './config/config.js';
import { resolvePseudonymKey } from './config/pseudonym-key.js';
import { resolveSealingKeys } from './config/sealing-keys.js';
import type { Keyring } from './transform/sealing.js';
import { NormaliserPool } from './ingest/normaliser-pool.js';
import type { PipelineDeps } from './ingest/pipeline.js';
import { SealedPeople } from './ingest/sealed-people.js';
import { ConfigError } from './config/config.js';
import { loadWeights, type Weights } from './metrics/assessment.js';
import { loadSchedules, type Schedules } from './jobs/schedule-config.js';
import { loadReferenceData, type ReferenceData } from './reference/reference-data.js';
import { openStore, type Store } from './store/clickhouse.js';
import { migrate } from './store/migrations.js';
import { CATALOGUE } from './metrics/catalogue.js';
import type { Indicator } from './metrics/indicator-schema.js';
import { loadCatalogue } from './metrics/overrides.js';
import { StateMaintainer } from './metrics/state/state-maintainer.js';
import { subjectTable } from './metrics/state/state-tables.js';
import { issueStateTable } from './quality/issue-state.js';

export interface Runtime {
  readonly config: Config;
  readonly store: Store;
  readonly reference: ReferenceData;
  readonly pipeline: PipelineDeps;
  /** assessment weights and scheduled jobs, read once at start */
  readonly weights: Weights;
  readonly schedules: Schedules;
  /** the keys sealing identities and rejected payloads (none: neither is kept) */
  readonly keyring?: Keyring;
  /** the indicator catalogue with the district's overrides applied */
  readonly catalogue: readonly Indicator[];
  /** the maintained state (off with HAP_STATE=off); started by the serving process */
  readonly state?: StateMaintainer;
  close(): Promise<void>;
}

export async function openRuntime(config: Config): Promise<Runtime> {
  const reference = loadReferenceData(config.region, config.institutionFiles);
  // Every pipelines/ file is read and checked here, once, with every problem reported together;
  // what serves afterwards uses these frozen values.
  const problems: string[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      problems.push(...(error instanceof ConfigError ? error.problems : [(error as Error).message]));
      return undefined;
    }
  };
  const catalogue = attempt(() => loadCatalogue(CATALOGUE, config.indicatorsFile));
  const weights = catalogue ? attempt(() => loadWeights(catalogue, config.assessmentFile)) : undefined;
  const schedules = attempt(() => loadSchedules(config.schedulesFile));
  if (problems.length > 0 || !catalogue || !weights || !schedules) throw new ConfigError(problems);
  const pseudonymKey = resolvePseudonymKey(config);
  const keyring = resolveSealingKeys(config);
  if (!keyring) console.error('HAP_SEALING_KEYS is not set: identities and rejected payloads are not kept (no reveal, no re-submission of a rejected event)');
  const store = await openStore(config);
  try {
    await migrate(store.client, undefined, store.cluster);
  } catch (error) {
    await store.close();
    throw error;
  }
  const state = config.state.enabled
    ? new StateMaintainer({
        client: store.client,
        tables: [subjectTable('person'), subjectTable('patient'), issueStateTable(catalogue)],
        reference,
        county: config.region,
        maxLagMs: config.state.maxLagMs,
        bulkPeople: config.state.bulkPeople,
        buildPartPeople: config.state.buildPartPeople,
        ...(store.cluster ? { cluster: store.cluster } : {}),
        log: (m) => console.error(m),
      })
    : undefined;
  const normaliser =
    config.ingestThreads > 0
      ? new NormaliserPool({ region: config.region, institutionFiles: config.institutionFiles, pseudonymKey, ...(keyring ? { keyring } : {}), insertBatchRows: config.insertBatchRows }, config.ingestThreads)
      : undefined;
  return {
    config,
    store,
    reference,
    catalogue,
    weights: Object.freeze(weights),
    schedules: Object.freeze(schedules),
    ...(keyring ? { keyring } : {}),
    ...(state ? { state } : {}),
    pipeline: {
      client: store.client,
      insertBytes: store.insertBytes,
      reference,
      pseudonymKey,
      ...(keyring ? { keyring, sealedPeople: new SealedPeople() } : {}),
      insertBatchRows: config.insertBatchRows,
      ...(normaliser ? { normaliser } : {}),
      ...(state ? { onStored: (keys) => state.notifyStored(keys), onBacklog: (source, waiting) => state.notifyBacklog(source, waiting) } : {}),
    },
    close: async () => {
      await normaliser?.close();
      await state?.close();
      await store.close();
    },
  };
}
