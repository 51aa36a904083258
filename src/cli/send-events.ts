// `hap import` through a running server: the file goes to POST /v1/events in batches, and the
// server runs the one pipeline. NDJSON is sent in line batches (the answer's index is mapped back
// to the file's line); a JSON array in slices; a CSV whole (its rows may span lines).
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { detectFormat } from '../ingest/file-source.js';
import { type ApiTarget, callApi } from './api-client.js';

export interface SendTotals {
  accepted: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  conflicts: number;
  /** the first rejected events: where they are in the file, and why */
  firstRejected: string[];
}

interface EventsAnswer {
  accepted: number;
  rejected: { index: number; event_id: string; reasons: { code: string }[] }[];
  rejected_total: number;
  rejected_by_reason: Record<string, number>;
  conflicts: unknown[];
}

interface Body {
  type: string;
  text: string;
  /** where the i-th event of the body is in the file */
  where: (index: number) => string;
}

async function* bodiesOf(file: string, batchSize: number): AsyncGenerator<Body> {
  const format = detectFormat(file);
  if (format === 'csv') {
    yield { type: 'text/csv', text: readFileSync(file, 'utf8'), where: (i) => `row ${i + 1}` };
    return;
  }
  if (format === 'json') {
    const text = readFileSync(file, 'utf8');
    let events: unknown;
    try {
      events = JSON.parse(text);
    } catch {
      // Not JSON: the server says why, as it would for a request.
      yield { type: 'application/json', text, where: () => 'the file' };
      return;
    }
    const list = Array.isArray(events) ? events : [events];
    for (let i = 0; i < list.length; i += batchSize) {
      const first = i;
      yield { type: 'application/json', text: JSON.stringify(list.slice(i, i + batchSize)), where: (k) => `#${first + k}` };
    }
    return;
  }
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let batch: string[] = [];
  let lineNumbers: number[] = [];
  let lineNo = 0;
  const body = (): Body => {
    const numbers = lineNumbers;
    return { type: 'application/x-ndjson', text: batch.join('\n'), where: (k) => `line ${numbers[k] ?? '?'}` };
  };
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    batch.push(line);
    lineNumbers.push(lineNo);
    if (batch.length >= batchSize) {
      yield body();
      batch = [];
      lineNumbers = [];
    }
  }
  if (batch.length > 0) yield body();
}

/** Sends the file's events; a refused request (auth, size) stops the file and is the answer. */
export async function sendEventFile(
  target: ApiTarget,
  file: string,
  batchSize: number,
  onProgress: (totals: SendTotals) => void,
): Promise<{ ok: true; totals: SendTotals } | { ok: false; problem: string; totals: SendTotals }> {
  const totals: SendTotals = { accepted: 0, rejected: 0, rejectedByReason: {}, conflicts: 0, firstRejected: [] };
  for await (const body of bodiesOf(file, batchSize)) {
    const answer = await callApi<EventsAnswer>(target, 'POST', '/v1/events', { type: body.type, text: body.text });
    if (!answer.ok) return { ok: false, problem: answer.problem, totals };
    const a = answer.body;
    totals.accepted += a.accepted;
    totals.rejected += a.rejected_total;
    totals.conflicts += a.conflicts.length;
    for (const [reason, n] of Object.entries(a.rejected_by_reason)) totals.rejectedByReason[reason] = (totals.rejectedByReason[reason] ?? 0) + n;
    for (const r of a.rejected) {
      if (totals.firstRejected.length >= 10) break;
      totals.firstRejected.push(`${body.where(r.index)}: ${r.reasons.map((x) => x.code).join(', ')}`);
    }
    onProgress(totals);
  }
  return { ok: true, totals };
}
