// buildApp() assembles the API; listen() is the caller's. Tests use app.inject().
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { ingestBatch } from '../ingest/pipeline.js';
import { classifyStoreError } from '../ingest/retry.js';
import type { Runtime } from '../runtime.js';
import { decodeRequestBody } from './content-encoding.js';
import { ApiError, ERROR_CODES, type ErrorCode, errorBody } from './errors.js';
import { heavyLimit } from './heavy-limit.js';
import { redactedUrl, requestLogView } from './log-redaction.js';
import { type AcceptEvents, eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { type IngestStatusOptions, ingestStatusRoutes } from './routes/ingest-status.js';
import { IngestMetrics } from '../ingest/ingest-metrics.js';
import { indicatorRoutes } from './routes/indicators.js';
import { populationRoutes } from './routes/population.js';
import { regionRoutes } from './routes/regions.js';
import { rejectionRoutes } from './routes/rejections.js';
import { qualityIssueRoutes } from './routes/quality-issues.js';
import { qualityCompletenessRoutes } from './routes/quality-completeness.js';
import { followupRoutes } from './routes/followups-overdue.js';
import { reportRoutes } from './routes/reports.js';
import { reportVerifyRoutes } from './routes/reports-verify.js';
import { trendRoutes } from './routes/trends.js';
import { OidcVerifier } from '../auth/oidc.js';
import { TokenVerifier } from '../auth/token-store.js';
import { accessControl } from './access.js';
import rateLimit from '@fastify/rate-limit';
import { rateLimitKey } from './rate-limit-key.js';
import { auditRoutes } from './routes/audit.js';
import { peopleRevealRoutes } from './routes/people-reveal.js';
import { rejectionPayloadRoutes } from './routes/rejection-payload.js';
import { tokenRoutes } from './routes/tokens.js';
import { adminBackupRoutes } from './routes/admin-backup.js';
import { pageRoutes } from './routes/pages.js';
import { DASHBOARDS_DIR, loadDashboards } from '../dashboards/dashboard-loader.js';

export interface AppOptions {
  /** Where POST /v1/events puts events; default: straight into the store. */
  acceptEvents?: AcceptEvents;
  kafkaReady?: () => Promise<boolean>;
  ingest?: IngestStatusOptions;
  logger?: boolean;
  /** where the request log goes (default stdout); tests read it */
  logStream?: { write(line: string): void };
  /** the dashboard declarations and page assets (default: the package's dashboards/) */
  dashboardsDir?: string;
}

/** Embedded mode: events are durable once the store has them. */
export function storeAcceptEvents(runtime: Runtime, metrics?: IngestMetrics): AcceptEvents {
  return async (events) => {
    const started = Date.now();
    const outcome = await ingestBatch(events, runtime.pipeline);
    metrics?.recordBatch(outcome.accepted, outcome.rejected.map((r) => r.reasons.map((x) => x.code)), (Date.now() - started) / 1000);
    return {
      accepted: outcome.accepted,
      rejected: outcome.rejected.map((r) => ({ index: r.index, event_id: r.event_id, reasons: r.reasons })),
      conflicts: outcome.conflicts.map((c) => ({ index: c.index, event_id: c.event_id, message: c.message })),
    };
  };
}

function parameterOf(error: FastifyError): string {
  const first = error.validation?.[0];
  const path = first?.instancePath?.replace(/^\//, '').replace(/\//g, '.') ?? '';
  return path || (error.validationContext ?? 'request');
}

export async function buildApp(runtime: Runtime, options: AppOptions = {}): Promise<FastifyInstance> {
  const limits = runtime.config.limits;
  // Before anything listens: an invalid declaration stops the start, naming file and field.
  const dashboardsDir = options.dashboardsDir ?? DASHBOARDS_DIR;
  const dashboards = loadDashboards(dashboardsDir, runtime.catalogue.map((i) => i.id));
  const app = Fastify({
    logger:
      options.logger || options.logStream
        ? {
            level: runtime.config.logLevel,
            ...(options.logStream ? { stream: options.logStream } : {}),
            // No personal data in logs: query values redacted, no headers, no bodies.
            serializers: { req: requestLogView },
          }
        : false,
    bodyLimit: runtime.config.bodyLimitBytes,
    // A slow body cannot hold a connection for ever; idle keep-alive sockets are let go.
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    genReqId: () => `req-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) return reply.code(error.status).send(errorBody(error.code, error.message, error.details));
    if (hasZodFastifySchemaValidationErrors(error)) {
      const parameter = parameterOf(error);
      const code: ErrorCode = error.validationContext === 'body' ? 'invalid_body' : 'invalid_parameter';
      return reply.code(400).send(errorBody(code, `${parameter}: ${error.validation[0]?.message ?? 'invalid'}`, { parameter, issues: error.validation.map((v) => ({ path: v.instancePath, message: v.message })) }));
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(errorBody('payload_too_large', error.message));
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send(errorBody('unsupported_media_type', error.message));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send(errorBody('invalid_body', error.message));
    }
    // A store out of memory for this request is as unavailable to the caller as one that is down.
    const kind = classifyStoreError(error);
    const isStore = kind === 'retriable' || kind === 'too_large';
    request.log.error({ err: error }, 'request failed');
    const code: ErrorCode = isStore ? 'store_unavailable' : 'internal';
    return reply.code(ERROR_CODES[code].status).send(errorBody(code, code === 'internal' ? `internal error (request ${request.id})` : 'the store did not answer', { request_id: request.id }));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody('not_found', `no route ${request.method} ${redactedUrl(request.url)}`)));
  app.addHook('preParsing', decodeRequestBody);

  await app.register(swagger, {
    openapi: {
      info: { title: 'health-archive-pipeline API (居民健康档案监管)', version: '1' },
      tags: [
        { name: 'events', description: '档案事件 archive events' },
        { name: 'indicators', description: '指标 indicators' },
        { name: 'quality', description: '质量控制 quality checks' },
        { name: 'reference', description: '参考数据 reference data' },
        { name: 'health', description: 'liveness and readiness' },
        { name: 'operations', description: '运维 operations: backups' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const tokens = new TokenVerifier(runtime.store.client);
  await app.register(rateLimit, {
    global: true,
    max: runtime.config.limits.ratePerMinute,
    timeWindow: 60_000,
    keyGenerator: rateLimitKey,
    // Thrown by the plugin: answered by the error handler like every ApiError.
    errorResponseBuilder: (_request, context) =>
      new ApiError('rate_limited', `more than ${context.max} requests a minute from this caller; retry in ${Math.ceil(context.ttl / 1000)} s`, { limit: context.max, retry_after_s: Math.ceil(context.ttl / 1000) }),
  });
  await app.register(accessControl, {
    enabled: runtime.config.auth.enabled,
    reference: runtime.reference,
    tokens,
    ...(runtime.config.auth.oidc ? { oidc: new OidcVerifier(runtime.config.auth.oidc) } : {}),
  });
  await app.register(healthRoutes, { runtime, ...(options.kafkaReady ? { kafkaReady: options.kafkaReady } : {}) });
  const ingest = options.ingest ?? { metrics: new IngestMetrics() };
  await app.register(eventRoutes, {
    acceptEvents: options.acceptEvents ?? storeAcceptEvents(runtime, ingest.metrics),
    bodyLimit: runtime.config.bodyLimitBytes,
    maxEvents: limits.maxEventsPerRequest,
    maxListed: limits.maxListedRejections,
  });
  await app.register(rejectionRoutes, { runtime });
  await app.register(regionRoutes, { runtime });
  await app.register(populationRoutes, { runtime });
  await app.register(indicatorRoutes, { runtime });
  await app.register(ingestStatusRoutes, ingest);
  // Heavy reads share a few slots (src/api/heavy-limit.ts); light reads above never wait for them.
  const heavy = heavyLimit({ concurrency: limits.heavyConcurrency, queue: limits.heavyQueue });
  await app.register(async (heavyReads) => {
    heavyReads.addHook('onRequest', heavy.hook);
    await heavyReads.register(qualityIssueRoutes, { runtime });
    await heavyReads.register(qualityCompletenessRoutes, { runtime });
    await heavyReads.register(followupRoutes, { runtime });
    await heavyReads.register(reportRoutes, { runtime });
    await heavyReads.register(reportVerifyRoutes, { runtime });
  });
  await app.register(trendRoutes, { runtime });
  await app.register(peopleRevealRoutes, { runtime });
  await app.register(rejectionPayloadRoutes, { runtime });
  await app.register(auditRoutes, { runtime });
  await app.register(tokenRoutes, { runtime, tokens });
  await app.register(adminBackupRoutes, { runtime });

  await app.register(pageRoutes, { dir: dashboardsDir, dashboards, county: runtime.reference.county.code });
  return app;
}
