// Keeps the maintained state (state-tables.ts) current: a year is built whole (at start, when the
// day rolls over, after a bulk load), and after each stored batch only the people it touched are
// evaluated again, with the same subject SQL the event-log path runs — so both give the same
// numbers. Work is serialised: one build or refresh at a time, later requests merged into the next.
import type { ClickHouseClient } from '@clickhouse/client';
import type { ReferenceData } from '../../reference/reference-data.js';
import { queryRows } from '../../store/clickhouse.js';
import { clusterStatements } from '../../store/migrations.js';
import { toDateTime64 } from '../../store/clickhouse-values.js';
import { periodParams } from '../evaluate.js';
import { evaluationPeriod, NO_CUTOFF, todayInBeijing } from '../evaluation-period.js';
import { PERSON_LINKS_SQL, peopleEventParams } from '../subjects.js';
import { type MaintainedTable, STATE_BUILDS_APPLIED_DDL, STATE_BUILDS_DDL, stateDdlHash } from './state-tables.js';

/** Years kept: the current one and the two before it (assessments of last year run into spring). */
export const STATE_YEARS = 3;
/** How long touched people wait to be refreshed together. */
const REFRESH_DELAY_MS = 100;
/** How long the known build status is trusted before it is read again (another process may build). */
const STATUS_TTL_MS = 2_000;
/**
 * Past this many people waiting, refreshing them one by one costs more than building the years again
 * (a bulk load, a Kafka backlog): the state is set aside, reads use the log, and the years are rebuilt
 * once the stream has been quiet for BULK_QUIET_MS.
 */
const BULK_PEOPLE = 5_000; // default of StateMaintainerOptions.bulkPeople
const BULK_QUIET_MS = 10_000;
/**
 * A source (a Kafka partition) that said messages were still waiting behind its last batch holds the
 * rebuild back: a pause in stored batches while a backlog remains is a slow store, not the stream's
 * end, and a rebuild then would compete with the rest of the stream for the cores and the memory.
 * A source silent this long after saying so is taken as gone (stopped, crashed, revoked).
 */
const BACKLOG_TRUST_MS = 120_000;
/**
 * How long a batch may take from its receipt (`received_at`, stamped before it is normalised) to
 * its store: at start, events received this long before the last applied mark are applied again,
 * so a batch stored but not applied when the process died is not missed.
 */
const RECEIPT_TO_STORE_MS = 10 * 60_000;
/** How often the maintainer checks whether the day rolled over. */
const ROLLOVER_CHECK_MS = 60_000;

export interface StateMaintainerOptions {
  client: ClickHouseClient;
  /** the tables kept: the subjects', the worklist's */
  tables: readonly MaintainedTable[];
  reference: ReferenceData;
  county: string;
  cluster?: string;
  /**
   * How long a stored batch may wait to be applied while reads still use the state; past it (and
   * always with 0) reads go to the log, so an answer is never older than this.
   */
  maxLagMs?: number;
  /** waiting people past which the state is set aside and rebuilt after the stream (default 5,000) */
  bulkPeople?: number;
  /** ms without a stored batch (and no source behind) after which a bulk stream counts as over (default 10 s) */
  bulkQuietMs?: number;
  /** people per part of a year's build (default BUILD_PART_PEOPLE; tests set it low to build in parts) */
  buildPartPeople?: number;
  log?: (message: string) => void;
  now?: () => number;
}

/** A row of `state_builds` as written. */
interface StatusRow {
  year: number;
  subject: string;
  evalDate: string;
  complete: boolean;
  appliedThrough: number;
}

interface BuildStatus {
  evalDate: string;
  hash: string;
  complete: boolean;
  /** ms: every batch stored before it is applied */
  appliedThrough: number;
}

// People whose records share an archive number with the touched ones ("one archive number used
// by two people" changes for both).
const SHARING_SQL = `SELECT DISTINCT person_key FROM events
WHERE archive_no IN (SELECT archive_no FROM events WHERE person_key IN {people:Array(String)} AND match(archive_no, '^[0-9]{17}$'))`;

// The rows of some identifiers: found through the person_key skip index, named by the primary key.
const PEOPLE_EVENT_KEYS_SQL = `SELECT DISTINCT institution_code, event_id FROM events WHERE person_key IN {people:Array(String)}`;

// A whole year's build aggregates every person at once. Tables that evaluate each person alone
// are built in parts of about BUILD_PART_PEOPLE people (a hash of the person), each part in memory
// on one thread: memory stays bounded as the district grows and nothing spills. Measured on the
// default district (1.9 M events, person rows of 2025): whole with spilling past 100 MB 25.6 s and
// +670 MB; whole in memory 9.4 s and +1,300 MB; 4 parts 12.2 s and +540 MB; 8 parts 18 s and
// +360 MB (each part rereads the log, so more parts cost time). The spill limits stay as a guard
// for a part larger than expected and for the table built whole (the worklist's), which spills as
// before. Joins are left in memory: a join limit makes a build fail (SET_SIZE_LIMIT_EXCEEDED)
// rather than spill. Reads use the log while a year builds, so the cost is freshness after a bulk
// load, not answers.
export const BUILD_PART_PEOPLE = 100_000;
/** One thread; aggregation and sorting spill to disk past `spillMb`. */
const buildSettings = (spillMb: number) => {
  const bytes = String(spillMb * 1024 * 1024);
  return { max_threads: 1, max_bytes_before_external_group_by: bytes, max_bytes_before_external_sort: bytes } as const;
};
const BUILD_SETTINGS = buildSettings(100);
const PART_BUILD_SETTINGS = buildSettings(400);

/** Parts of a build for this many identifiers: at least one. */
export function buildParts(identifiers: number, partPeople = BUILD_PART_PEOPLE): number {
  return Math.max(1, Math.ceil(identifiers / partPeople));
}

export class StateMaintainer {
  private readonly hash: string;
  private status = new Map<string, BuildStatus>();
  private statusReadAt = 0;
  private pending = new Set<string>();
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private rollover: NodeJS.Timeout | null = null;
  private paused = false;
  private rebuildWanted = false;
  private closed = false;
  private started = false;
  /** when the oldest batch not yet applied was stored (0: none) */
  private lagSince = 0;
  /** a process that does not maintain the state marks it stale once it writes (its readers use the log) */
  private invalidation: Promise<void> | null = null;
  /** in a bulk stream: the state is set aside until the stream is quiet, then rebuilt */
  private bulk: { quiet: NodeJS.Timeout | null; setAside: Promise<void> } | null = null;
  /** sources (Kafka partitions) whose last stored batch had messages behind it: when they said so */
  private readonly behindSince = new Map<string, number>();

  constructor(private readonly options: StateMaintainerOptions) {
    this.hash = stateDdlHash(options.tables);
  }

  private get tables(): readonly MaintainedTable[] {
    return this.options.tables;
  }

  private get bulkPeople(): number {
    return this.options.bulkPeople ?? BULK_PEOPLE;
  }

  private get bulkQuietMs(): number {
    return this.options.bulkQuietMs ?? BULK_QUIET_MS;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Creates the tables, drops them first when their shape changed. */
  async ensureTables(): Promise<void> {
    const { client, cluster } = this.options;
    const run = async (statement: string) => {
      for (const query of cluster ? clusterStatements(statement, cluster) : [statement]) await client.command({ query });
    };
    await run(STATE_BUILDS_DDL);
    // A store whose status table predates the applied marks (their absence reads as the epoch:
    // everything stored is re-applied once at the start after the upgrade).
    await run(STATE_BUILDS_APPLIED_DDL);
    const hashes = await queryRows<{ ddl_hash: string }>(client, 'SELECT DISTINCT ddl_hash FROM state_builds FINAL');
    if (hashes.some((h) => h.ddl_hash !== this.hash)) {
      this.options.log?.('maintained state: the subjects changed, its tables are rebuilt');
      const onCluster = cluster ? ` ON CLUSTER ${cluster}` : '';
      for (const { table } of this.tables) {
        await client.command({ query: `DROP TABLE IF EXISTS ${table}${onCluster}` });
        if (cluster) await client.command({ query: `DROP TABLE IF EXISTS ${table}_local${onCluster}` });
      }
      await client.command({ query: `TRUNCATE TABLE IF EXISTS ${cluster ? 'state_builds_local' : 'state_builds'}${onCluster}` });
    }
    for (const t of this.tables) await run(t.ddl);
    this.statusReadAt = 0;
  }

  /** The evaluation date the state of a year must have today, or null when the year is not kept. */
  expectedEvalDate(year: number): string | null {
    const today = todayInBeijing(this.now());
    const current = Number(today.slice(0, 4));
    if (year > current || year <= current - STATE_YEARS) return null;
    const period = evaluationPeriod(year, today);
    return period.ok ? period.period.evalDate : null;
  }

  private async readStatus(): Promise<void> {
    if (this.now() - this.statusReadAt < STATUS_TTL_MS) return;
    const rows = await queryRows<{ year: number; subject: string; eval_date: string; ddl_hash: string; complete: number; applied_through: string }>(
      this.options.client,
      'SELECT year, subject, toString(eval_date) AS eval_date, ddl_hash, complete, toUnixTimestamp64Milli(applied_through) AS applied_through FROM state_builds FINAL',
    );
    this.status = new Map(
      rows.map((r) => [
        `${r.year}:${r.subject}`,
        { evalDate: r.eval_date, hash: r.ddl_hash, complete: Number(r.complete) === 1, appliedThrough: Number(r.applied_through) },
      ]),
    );
    this.statusReadAt = this.now();
  }

  /** True when figures of this year (evaluated on `evalDate`, no as_of) can be read from the state. */
  async isCurrent(year: number, evalDate: string, subject: string): Promise<boolean> {
    if (this.paused || this.bulk || this.expectedEvalDate(year) !== evalDate) return false;
    if (this.lagSince > 0 && this.now() - this.lagSince >= (this.options.maxLagMs ?? 0)) return false;
    return this.built(year, evalDate, subject);
  }

  private async built(year: number, evalDate: string, subject: string): Promise<boolean> {
    await this.readStatus();
    const s = this.status.get(`${year}:${subject}`);
    return s?.complete === true && s.evalDate === evalDate && s.hash === this.hash;
  }

  private keptYears(): number[] {
    const current = Number(todayInBeijing(this.now()).slice(0, 4));
    return Array.from({ length: STATE_YEARS }, (_, i) => current - i);
  }

  private async writeStatus(year: number, subject: string, evalDate: string, complete: boolean, appliedThrough = 0): Promise<void> {
    await this.writeStatuses([{ year, subject, evalDate, complete, appliedThrough }]);
  }

  private async writeStatuses(rows: readonly StatusRow[]): Promise<void> {
    if (rows.length === 0) return;
    const builtAt = toDateTime64(this.now());
    await this.options.client.insert({
      table: 'state_builds',
      values: rows.map((r) => ({
        year: r.year,
        subject: r.subject,
        eval_date: r.evalDate,
        ddl_hash: this.hash,
        complete: r.complete ? 1 : 0,
        built_at: builtAt,
        applied_through: toDateTime64(r.appliedThrough),
      })),
      format: 'JSONEachRow',
    });
    this.statusReadAt = 0;
  }

  private paramsFor(table: MaintainedTable, year: number, people: string[]): Record<string, unknown> | null {
    const period = evaluationPeriod(year, todayInBeijing(this.now()));
    if (!period.ok) return null;
    return {
      ...periodParams(period.period, this.options.county, this.options.reference),
      ...table.params,
      year,
      people,
      built_at: toDateTime64(this.now()),
    };
  }

  /** The parts a year's build is split into for the people stored now. */
  private async partsForBuild(): Promise<number> {
    // Identifiers approximate people (a link merges two into one): a part is at most that large.
    const [counted] = await queryRows<{ n: string }>(this.options.client, 'SELECT uniq(person_key) AS n FROM events');
    return buildParts(Number(counted?.n ?? 0), this.options.buildPartPeople);
  }

  /** Builds one year of every table from the whole event log, in `parts` where a table allows it. */
  private async buildYear(year: number, parts: number): Promise<void> {
    const { client } = this.options;
    for (const t of this.tables) {
      const params = this.paramsFor(t, year, []);
      if (!params) return;
      await this.writeStatus(year, t.id, String(params.eval_date), false);
      const started = this.now();
      const tableParts = t.buildsInParts ? parts : 1;
      for (let bucket = 0; bucket < tableParts; bucket++) {
        // A close does not wait for a whole year: the year stays marked not built (rebuilt at the next start).
        if (this.closed) return;
        await client.command({
          query: t.insertSql,
          query_params: { ...params, buckets: tableParts, bucket },
          clickhouse_settings: tableParts > 1 ? PART_BUILD_SETTINGS : BUILD_SETTINGS,
        });
      }
      // Rows of people that no longer exist as such (merged by a link since the last build).
      // On a cluster the rows live in the replicated local tables (a Distributed table deletes nothing).
      const target = this.options.cluster ? `${t.table}_local ON CLUSTER ${this.options.cluster}` : t.table;
      await client.command({
        query: `DELETE FROM ${target} WHERE year = {year:UInt16} AND built_at < {built_at:DateTime64(3, 'UTC')}`,
        query_params: { year, built_at: params.built_at },
      });
      // The year's rows in one part: reads use FINAL, which merges across the parts of the year at
      // every read (a build in parts leaves one part per part, beside the rows it replaced).
      await client.command({ query: `OPTIMIZE TABLE ${target} PARTITION ${Number(year)} FINAL` });
      await this.writeStatus(year, t.id, String(params.eval_date), true, started);
      this.options.log?.(`maintained state: ${t.id} ${year} built in ${this.now() - started} ms${tableParts > 1 ? ` (${tableParts} parts)` : ''}`);
    }
  }

  /** Evaluates again the people with these identifiers (and everyone linked with them), in every kept year. */
  private async refreshPeople(touched: Set<string>, takenAt: number): Promise<void> {
    const { client } = this.options;
    const identifiers = new Set(touched);
    for (const r of await queryRows<{ person_key: string }>(client, SHARING_SQL, { people: [...touched] })) identifiers.add(r.person_key);
    const links = await queryRows<{ from_key: string; to_key: string }>(client, PERSON_LINKS_SQL, { received_before: toDateTime64(NO_CUTOFF) });
    const canonicalOf = new Map(links.map((l) => [l.from_key, l.to_key]));
    const canonical = new Set([...identifiers].map((k) => canonicalOf.get(k) ?? k));
    const people = new Set(canonical);
    for (const l of links) if (canonical.has(l.to_key)) people.add(l.from_key);
    // Identifiers now merged into another person: their own rows go.
    const merged = [...identifiers].filter((k) => !canonical.has(k));
    // Bound once for every year and table (subjects.ts forPeople): their rows' keys, their links.
    const eventKeys = await queryRows<{ institution_code: string; event_id: string }>(client, PEOPLE_EVENT_KEYS_SQL, { people: [...people] });
    const peopleParams = peopleEventParams(eventKeys, links.filter((l) => people.has(l.from_key)));
    const applied: StatusRow[] = [];
    for (const year of this.keptYears()) {
      for (const t of this.tables) {
        if (!(await this.built(year, this.expectedEvalDate(year) ?? '', t.id))) continue;
        const params = this.paramsFor(t, year, [...people]);
        if (!params) continue;
        applied.push({ year, subject: t.id, evalDate: String(params.eval_date), complete: true, appliedThrough: takenAt });
        if (eventKeys.length > 0) await client.command({ query: t.refreshSql, query_params: { ...params, ...peopleParams } });
        if (merged.length > 0) {
          await client.insert({
            table: t.table,
            values: merged.flatMap((key) => t.tombstones(key).map((row) => ({ year, eval_date: params.eval_date, built_at: params.built_at, is_deleted: 1, ...row }))),
            format: 'JSONEachRow',
          });
        }
      }
    }
    // Not over a setting aside made meanwhile (pause, bulk, another process's write): only years still complete.
    if (this.paused || this.bulk) return;
    this.statusReadAt = 0;
    await this.readStatus();
    await this.writeStatuses(applied.filter((a) => this.status.get(`${a.year}:${a.subject}`)?.complete === true));
  }

  /**
   * After a crash: batches stored after the last applied mark (the process died before applying
   * them, or another process stored them) are applied now — their people refreshed, or the years
   * built again when they are many — before the state serves.
   */
  private async catchUp(): Promise<void> {
    await this.readStatus();
    const marks = [...this.status.values()].filter((s) => s.complete && s.hash === this.hash).map((s) => s.appliedThrough);
    if (marks.length === 0) return;
    const since = Math.min(...marks) - RECEIPT_TO_STORE_MS;
    const takenAt = this.now();
    const rows = await queryRows<{ person_key: string }>(
      this.options.client,
      'SELECT DISTINCT person_key FROM events WHERE received_at > {since:DateTime64(3, \'UTC\')} LIMIT {limit:UInt64}',
      { since: toDateTime64(since), limit: this.bulkPeople + 1 },
    );
    if (rows.length === 0) return;
    if (rows.length > this.bulkPeople) {
      this.rebuildWanted = true;
      return;
    }
    this.options.log?.(`maintained state: ${rows.length} people stored since the last applied mark are applied again`);
    await this.refreshPeople(new Set(rows.map((r) => r.person_key)), takenAt);
  }

  /** Builds every kept year that is not current (at start, and when the day rolls over). */
  async buildStale(): Promise<void> {
    await this.serialised(async () => {
      let parts: number | undefined;
      for (const year of this.keptYears()) {
        if (this.closed) return;
        const evalDate = this.expectedEvalDate(year);
        if (evalDate === null) continue;
        let current = true;
        for (const t of this.tables) current &&= await this.built(year, evalDate, t.id);
        if (current && !this.rebuildWanted) continue;
        parts ??= await this.partsForBuild();
        await this.buildYear(year, parts);
      }
      this.rebuildWanted = false;
    });
  }

  /** Starts the maintainer: tables, the builds that are due, and the daily roll-over check. */
  async start(): Promise<void> {
    await this.invalidation;
    await this.ensureTables();
    this.started = true;
    this.rollover = setInterval(() => void this.buildStale().catch((e) => this.options.log?.(`maintained state: ${String(e)}`)), ROLLOVER_CHECK_MS);
    this.rollover.unref();
    await this.serialised(() => this.catchUp());
    await this.buildStale();
  }

  /** A batch landed: its people are evaluated again shortly. */
  notifyStored(personKeys: readonly string[]): void {
    if (this.closed || personKeys.length === 0) return;
    if (!this.started || this.paused) {
      this.invalidation ??= this.ensureTables().then(() => this.invalidate());
      return;
    }
    if (this.bulk) {
      this.rearmBulk();
      return;
    }
    if (this.lagSince === 0) this.lagSince = this.now();
    for (const key of personKeys) this.pending.add(key);
    if (this.pending.size > this.bulkPeople) {
      this.enterBulk();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.drain().catch((e) => this.options.log?.(`maintained state: refresh failed, the year is rebuilt: ${String(e)}`));
      }, REFRESH_DELAY_MS);
    }
  }

  private enterBulk(): void {
    this.options.log?.(`maintained state: more than ${this.bulkPeople} people waiting, set aside until the stream is quiet`);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
    this.lagSince = 0;
    this.bulk = { quiet: null, setAside: this.serialised(() => this.invalidate()) };
    this.rearmBulk();
  }

  /** A source stored a batch and has this many messages still waiting behind it. */
  notifyBacklog(source: string, waiting: number): void {
    if (waiting > 0) this.behindSince.set(source, this.now());
    else this.behindSince.delete(source);
  }

  /** Some source heard from lately still has messages waiting. */
  private sourcesBehind(): boolean {
    for (const [source, at] of this.behindSince) {
      if (this.now() - at <= BACKLOG_TRUST_MS) return true;
      this.behindSince.delete(source);
    }
    return false;
  }

  private rearmBulk(): void {
    const bulk = this.bulk;
    if (!bulk) return;
    if (bulk.quiet) clearTimeout(bulk.quiet);
    bulk.quiet = setTimeout(() => {
      if (this.sourcesBehind()) {
        this.rearmBulk();
        return;
      }
      this.bulk = null;
      this.rebuildWanted = true;
      // Queued behind the setting aside (one piece of work at a time); idle() sees it at once.
      void this.buildStale().catch((e) => this.options.log?.(`maintained state: rebuild after a bulk stream failed: ${String(e)}`));
    }, this.bulkQuietMs);
  }

  private async drain(): Promise<void> {
    // Closing: only the refresh in hand finishes; what is still pending makes close() mark the
    // years not current (the next start builds them again).
    while (this.pending.size > 0 && !this.closed) {
      const batch = this.pending;
      const since = this.lagSince;
      this.pending = new Set();
      try {
        const takenAt = this.now();
        await this.serialised(() => this.refreshPeople(batch, takenAt));
        // Applied: the lag is now that of what came in meanwhile, if anything did.
        if (this.lagSince === since) this.lagSince = this.pending.size > 0 ? this.now() : 0;
      } catch (error) {
        // A refresh that failed leaves the state behind the log: build it again, whole.
        this.rebuildWanted = true;
        await this.invalidate();
        throw error;
      }
    }
  }

  /** A bulk load is coming: the state is marked not current (reads use the log) until rebuilt. */
  async pause(): Promise<void> {
    this.paused = true;
    await this.invalidate();
  }

  async resume(): Promise<void> {
    this.paused = false;
    this.pending.clear();
    this.lagSince = 0;
    this.rebuildWanted = true;
    await this.buildStale();
  }

  private async invalidate(): Promise<void> {
    for (const year of this.keptYears()) {
      const evalDate = this.expectedEvalDate(year);
      if (evalDate !== null) for (const t of this.tables) await this.writeStatus(year, t.id, evalDate, false);
    }
  }

  private serialised(work: () => Promise<void>): Promise<void> {
    const next = (this.running ?? Promise.resolve()).catch(() => undefined).then(work);
    const tracked = next.finally(() => {
      if (this.running === tracked) this.running = null;
    });
    this.running = tracked;
    return next;
  }

  /** Resolves once every notified batch has been applied (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.bulk || this.timer || this.pending.size > 0 || this.running) {
      if (this.bulk) {
        await new Promise((resolve) => setTimeout(resolve, this.bulkQuietMs / 4));
        continue;
      }
      if (this.timer) await new Promise((resolve) => setTimeout(resolve, REFRESH_DELAY_MS));
      else if (this.pending.size > 0) await this.drain();
      else await this.running?.catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.rollover) clearInterval(this.rollover);
    if (this.timer) clearTimeout(this.timer);
    if (this.bulk?.quiet) clearTimeout(this.bulk.quiet);
    const setAside = this.bulk !== null;
    this.bulk = null;
    this.timer = null;
    await this.running?.catch(() => undefined);
    await this.invalidation?.catch(() => undefined);
    // People stored and not yet applied (left pending by the close): the years are marked not
    // current, so the next start builds them again instead of serving them without those people.
    if (this.pending.size > 0 && !setAside) await this.invalidate().catch(() => undefined);
  }
}
