CREATE TABLE IF NOT EXISTS events_local ON CLUSTER hap (
        institution_code LowCardinality(String),
        event_id String,
        type LowCardinality(String),
        occurred_at DateTime64(3, 'UTC'),
        received_at DateTime64(3, 'UTC'),
        -- Keep the first copy of an idempotency key: a replay never moves what as_of sees.
        keep_rank UInt64 MATERIALIZED toUInt64(9999999999999 - toUnixTimestamp64Milli(received_at)),
        person_key String,
        id_type LowCardinality(String),
        id_masked String,
        name_masked String,
        sex Nullable(UInt8),
        birth_date Nullable(Date32),
        archive_no String,
        event_date Nullable(Date32),
        medium LowCardinality(String),
        division_code LowCardinality(String),
        program LowCardinality(String),
        method LowCardinality(String),
        kind LowCardinality(String),
        visit_kind LowCardinality(String),
        bp_systolic Nullable(Float32),
        bp_diastolic Nullable(Float32),
        fasting_glucose Nullable(Float32),
        classification LowCardinality(String),
        condition LowCardinality(String),
        gestational_weeks Nullable(UInt8),
        doses_due Nullable(UInt32),
        doses_taken Nullable(UInt32),
        next_followup_on Nullable(Date32),
        -- bits of the basic-information fields this record answers (src/transform/archive-fields.ts)
        answered_fields UInt32,
        warnings Array(LowCardinality(String)),
        source String
      ) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/events', '{replica}', keep_rank)
      ORDER BY (institution_code, event_id)
      SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS events ON CLUSTER hap AS events_local ENGINE = Distributed('hap', currentDatabase(), 'events_local', cityHash64(person_key));

CREATE TABLE IF NOT EXISTS rejections_local ON CLUSTER hap (
        received_at DateTime64(3, 'UTC'),
        source String,
        institution_code String,
        event_id String,
        type LowCardinality(String),
        reasons Array(Tuple(path String, code LowCardinality(String), message String)),
        raw_masked String
      ) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/rejections', '{replica}')
      ORDER BY (source, institution_code, event_id)
      SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS rejections ON CLUSTER hap AS rejections_local ENGINE = Distributed('hap', currentDatabase(), 'rejections_local', cityHash64(source));

CREATE TABLE IF NOT EXISTS population_local ON CLUSTER hap (
        year UInt16,
        division_code String,
        group LowCardinality(String),
        count UInt64,
        updated_at DateTime64(3, 'UTC')
      ) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/population', '{replica}', updated_at)
      ORDER BY (year, division_code, group);

CREATE TABLE IF NOT EXISTS population ON CLUSTER hap AS population_local ENGINE = Distributed('hap', currentDatabase(), 'population_local', cityHash64(division_code));

CREATE TABLE IF NOT EXISTS indicator_snapshots_local ON CLUSTER hap (
        snapshot_date Date,
        indicator LowCardinality(String),
        year UInt16,
        level LowCardinality(String),
        code String,
        numerator UInt64,
        denominator UInt64,
        taken_at DateTime64(3, 'UTC')
      ) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/indicator_snapshots', '{replica}', taken_at)
      ORDER BY (indicator, year, level, code, snapshot_date);

CREATE TABLE IF NOT EXISTS indicator_snapshots ON CLUSTER hap AS indicator_snapshots_local ENGINE = Distributed('hap', currentDatabase(), 'indicator_snapshots_local', cityHash64(indicator, code));

ALTER TABLE events_local ON CLUSTER hap         ADD COLUMN IF NOT EXISTS delivered_on Nullable(Date32),
        ADD COLUMN IF NOT EXISTS discharged_on Nullable(Date32),
        -- person.linked: the person key of the previous identifier
        ADD COLUMN IF NOT EXISTS linked_from String,
        -- archive.transferred: the new holder of the archive
        ADD COLUMN IF NOT EXISTS to_institution LowCardinality(String),
        -- bits of the service items answered (src/transform/service-items.ts)
        ADD COLUMN IF NOT EXISTS service_items UInt32,
        -- coded fields as their code
        ADD COLUMN IF NOT EXISTS codes Map(LowCardinality(String), String);

ALTER TABLE events ON CLUSTER hap         ADD COLUMN IF NOT EXISTS delivered_on Nullable(Date32),
        ADD COLUMN IF NOT EXISTS discharged_on Nullable(Date32),
        -- person.linked: the person key of the previous identifier
        ADD COLUMN IF NOT EXISTS linked_from String,
        -- archive.transferred: the new holder of the archive
        ADD COLUMN IF NOT EXISTS to_institution LowCardinality(String),
        -- bits of the service items answered (src/transform/service-items.ts)
        ADD COLUMN IF NOT EXISTS service_items UInt32,
        -- coded fields as their code
        ADD COLUMN IF NOT EXISTS codes Map(LowCardinality(String), String);

ALTER TABLE events_local ON CLUSTER hap ADD INDEX IF NOT EXISTS person_key_bloom person_key TYPE bloom_filter(0.01) GRANULARITY 1;

ALTER TABLE events_local ON CLUSTER hap MATERIALIZE INDEX person_key_bloom;

CREATE TABLE IF NOT EXISTS api_tokens_local ON CLUSTER hap (
        id String,
        hash String,
        role LowCardinality(String),
        scope_code String,
        label String,
        created_at DateTime64(3, 'UTC'),
        expires_at Nullable(DateTime64(3, 'UTC')),
        revoked_at Nullable(DateTime64(3, 'UTC')),
        version UInt64
      ) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/api_tokens', '{replica}', version)
      ORDER BY id;

CREATE TABLE IF NOT EXISTS api_tokens ON CLUSTER hap AS api_tokens_local ENGINE = Distributed('hap', currentDatabase(), 'api_tokens_local', cityHash64(id));

CREATE TABLE IF NOT EXISTS audit_log_local ON CLUSTER hap (
        at DateTime64(3, 'UTC'),
        id String,
        actor String,
        actor_role LowCardinality(String),
        actor_scope String,
        action LowCardinality(String),
        target String,
        reason String,
        route String,
        details String
      ) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/audit_log', '{replica}')
      ORDER BY (at, id);

CREATE TABLE IF NOT EXISTS audit_log ON CLUSTER hap AS audit_log_local ENGINE = Distributed('hap', currentDatabase(), 'audit_log_local', cityHash64(id));

CREATE TABLE IF NOT EXISTS identities_local ON CLUSTER hap (
        person_key String,
        key_id LowCardinality(String),
        sealed String,
        received_at DateTime64(3, 'UTC')
      ) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/identities', '{replica}', received_at)
      ORDER BY person_key
      SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS identities ON CLUSTER hap AS identities_local ENGINE = Distributed('hap', currentDatabase(), 'identities_local', cityHash64(person_key));

ALTER TABLE rejections_local ON CLUSTER hap         ADD COLUMN IF NOT EXISTS payload_key_id LowCardinality(String),
        ADD COLUMN IF NOT EXISTS payload_sealed String;

ALTER TABLE rejections ON CLUSTER hap         ADD COLUMN IF NOT EXISTS payload_key_id LowCardinality(String),
        ADD COLUMN IF NOT EXISTS payload_sealed String;

CREATE TABLE IF NOT EXISTS load_markers_local ON CLUSTER hap (
        name LowCardinality(String),
        state LowCardinality(String),
        detail String,
        at DateTime64(3, 'UTC')
      ) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/load_markers', '{replica}', at)
      ORDER BY name;

CREATE TABLE IF NOT EXISTS load_markers ON CLUSTER hap AS load_markers_local ENGINE = Distributed('hap', currentDatabase(), 'load_markers_local', cityHash64(name));

ALTER TABLE events_local ON CLUSTER hap ADD COLUMN IF NOT EXISTS content_hash String;

ALTER TABLE events ON CLUSTER hap ADD COLUMN IF NOT EXISTS content_hash String;

ALTER TABLE rejections_local ON CLUSTER hap ADD COLUMN IF NOT EXISTS copies UInt32 DEFAULT 1;

ALTER TABLE rejections ON CLUSTER hap ADD COLUMN IF NOT EXISTS copies UInt32 DEFAULT 1;

CREATE TABLE IF NOT EXISTS event_conflicts_local ON CLUSTER hap (
        received_at DateTime64(3, 'UTC'),
        source String,
        institution_code String,
        event_id String,
        content_hash String,
        kept_received_at Nullable(DateTime64(3, 'UTC')),
        kept_hash String,
        message String
      ) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/event_conflicts', '{replica}')
      ORDER BY (institution_code, event_id, content_hash, source)
      SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS event_conflicts ON CLUSTER hap AS event_conflicts_local ENGINE = Distributed('hap', currentDatabase(), 'event_conflicts_local', cityHash64(institution_code, event_id));
