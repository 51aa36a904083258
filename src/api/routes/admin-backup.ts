// POST /v1/admin/backup: a backup of the embedded store made by the process that holds it. chDB
// binds the data directory to one process, so `hap backup` beside a running server asks it here.
// The backup holds every table and the keys: an operator's permission of its own, recorded.
import { isAbsolute, relative, resolve } from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { keyTextsInUse } from '../../config/backup-keys.js';
import type { Runtime } from '../../runtime.js';
import { backupStore, checkBackupTarget } from '../../store/backup.js';
import { access, recordAction } from '../access.js';
import { ApiError } from '../errors.js';
import { errorResponse } from '../schemas.js';

const answerSchema = z.object({
  dir: z.string(),
  created_at: z.string(),
  bytes: z.number().int(),
  files: z.number().int(),
  ms: z.number().int(),
  tables: z.record(z.string(), z.number().int()).describe('rows per table when the backup began'),
  sealing_keys: z.boolean(),
});

export const adminBackupRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  // One at a time: a second backup while one runs would only compete for the same disk.
  let running = false;
  app.post(
    '/v1/admin/backup',
    {
      ...access('operations:backup'),
      schema: {
        tags: ['operations'],
        summary: 'Back up the embedded store and its keys into a new directory on the server',
        // Path names past what file systems take were a 500 (found by the API fuzzer): refused here.
        body: z.object({
          dir: z
            .string()
            .min(1)
            .max(1024)
            .refine((d) => d.split(/[\\/]/).every((part) => Buffer.byteLength(part) <= 255), 'each name in the path at most 255 bytes')
            .describe('a new or empty directory inside HAP_BACKUP_ROOT (a relative name is taken inside it)'),
        }),
        response: { 201: answerSchema, 400: errorResponse, 409: errorResponse },
      },
    },
    async (request, reply) => {
      // Only inside the backup root: an API caller must not choose where on the server files are written.
      const root = runtime.config.backupRoot;
      const dir = isAbsolute(request.body.dir) ? resolve(request.body.dir) : resolve(root, request.body.dir);
      if (relative(root, dir).startsWith('..') || dir === root) {
        throw new ApiError('backup_refused', `${request.body.dir} is outside the backup root ${root} (HAP_BACKUP_ROOT)`, { problem: 'outside_backup_root' });
      }
      const refused = checkBackupTarget(dir);
      if (refused) throw new ApiError('backup_refused', refused, { problem: refused });
      if (running) throw new ApiError('backup_refused', 'a backup is already running', { problem: 'running' });
      running = true;
      try {
        // Recorded before it is made, so the backup carries the record of itself (a restore
        // returns the audit log to the backup's moment).
        await recordAction(runtime.store.client, request, { action: 'backup.create', target: dir });
        const result = await backupStore(runtime.store, dir, keyTextsInUse(runtime.config));
        if (!result.ok) throw new ApiError('backup_refused', result.problem, { problem: result.problem });
        const m = result.manifest;
        return reply.code(201).send({ dir: result.dir, created_at: m.created_at, bytes: m.bytes, files: m.files, ms: result.ms, tables: m.tables, sealing_keys: m.sealing_keys });
      } finally {
        running = false;
      }
    },
  );
};
