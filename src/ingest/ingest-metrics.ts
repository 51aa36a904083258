// Ingest timing, throughput and rejections as metrics (Prometheus), separate from logs.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class IngestMetrics {
  readonly registry = new Registry();
  private readonly accepted = new Counter({ name: 'hap_events_accepted_total', help: 'Events stored', registers: [this.registry] });
  private readonly rejected = new Counter({ name: 'hap_events_rejected_total', help: 'Events rejected, by reason code', labelNames: ['reason'], registers: [this.registry] });
  private readonly batchSeconds = new Histogram({
    name: 'hap_ingest_batch_seconds',
    help: 'Time from fetch to commit of a Kafka batch',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly retries = new Counter({ name: 'hap_store_retries_total', help: 'Store writes retried', registers: [this.registry] });
  private readonly redelivered = new Counter({
    name: 'hap_kafka_redelivered_skipped_total',
    help: 'Redelivered messages this worker had stored already (not stored again)',
    registers: [this.registry],
  });
  readonly lag = new Gauge({ name: 'hap_kafka_lag', help: 'Messages not yet committed, per partition', labelNames: ['partition'], registers: [this.registry] });

  private acceptedCount = 0;
  private rejectedCount = 0;
  private readonly byReason: Record<string, number> = {};
  private readonly recent: { at: number; events: number }[] = [];
  private lastBatchAt: number | null = null;

  recordBatch(accepted: number, rejectedReasons: readonly string[][], seconds: number): void {
    this.accepted.inc(accepted);
    this.acceptedCount += accepted;
    this.rejectedCount += rejectedReasons.length;
    for (const codes of rejectedReasons) {
      for (const code of new Set(codes)) {
        this.rejected.inc({ reason: code });
        this.byReason[code] = (this.byReason[code] ?? 0) + 1;
      }
    }
    this.batchSeconds.observe(seconds);
    const now = Date.now();
    this.lastBatchAt = now;
    this.recent.push({ at: now, events: accepted + rejectedReasons.length });
    while (this.recent.length > 0 && this.recent[0]!.at < now - 60_000) this.recent.shift();
  }

  recordRetry(): void {
    this.retries.inc();
  }

  recordRedeliverySkipped(messages: number): void {
    this.redelivered.inc(messages);
  }

  /** Plain status for GET /v1/ingest/status. */
  snapshot() {
    const perMinute = this.recent.reduce((s, r) => s + r.events, 0);
    return {
      accepted: this.acceptedCount,
      rejected: this.rejectedCount,
      rejected_by_reason: { ...this.byReason },
      events_per_second_last_minute: Math.round(perMinute / 60),
      last_batch_at: this.lastBatchAt === null ? null : new Date(this.lastBatchAt).toISOString(),
    };
  }
}
