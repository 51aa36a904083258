// Who a rate limit counts: the presented token (hashed, so no secret sits in the limiter's
// memory), else the client address. Counted before authentication, so an attacker trying tokens
// is limited per token tried and per address alike.
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export function rateLimitKey(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (header) return `token:${createHash('sha256').update(header).digest('hex').slice(0, 32)}`;
  return `ip:${request.ip}`;
}
