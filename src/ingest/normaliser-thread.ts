// One thread of the normaliser pool: the same pure normalisation as the main thread would run,
// on its own copy of the reference data. Replies carry TSV bytes, transferred.
import { parentPort, workerData } from 'node:worker_threads';
import { loadReferenceData } from '../reference/reference-data.js';
import type { ThreadReply, ThreadSetup, ThreadTask } from './normaliser-pool.js';
import { unpackMessages } from './normaliser-pool.js';
import { inlineNormaliser } from './pipeline.js';

const setup = workerData as ThreadSetup;
const normaliser = inlineNormaliser({
  reference: loadReferenceData(setup.region, setup.institutionFiles),
  pseudonymKey: Buffer.from(setup.pseudonymKey),
  ...(setup.keyring ? { keyring: setup.keyring } : {}),
  insertBatchRows: setup.insertBatchRows,
});

parentPort!.on('message', async (task: ThreadTask) => {
  let reply: ThreadReply;
  try {
    const batch =
      task.kind === 'messages'
        ? await normaliser.fromMessages(unpackMessages(task.bytes, task.lengths, task.sources, task.refused), task.receivedAt)
        : await normaliser.fromEvents(task.events, task.receivedAt);
    reply = { id: task.id, ok: true, batch };
    parentPort!.postMessage(reply, batch.chunks.map((c) => c.buffer as ArrayBuffer));
  } catch (error) {
    reply = { id: task.id, ok: false, error: String((error as Error)?.stack ?? error) };
    parentPort!.postMessage(reply);
  }
});
