// Compressed request bodies: gzip is decompressed on the fly, and the body limit applies to the
// decompressed bytes (Fastify counts what the returned stream yields, so a zip bomb stops at
// HAP_BODY_LIMIT_MB with 413). Any other encoding is refused with 415.
import { createGunzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

type Payload = NodeJS.ReadableStream & { receivedEncodedLength?: number };

export async function decodeRequestBody(request: FastifyRequest, _reply: FastifyReply, payload: Payload): Promise<Payload> {
  const encoding = String(request.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return payload;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new ApiError('unsupported_media_type', `Content-Encoding ${encoding.slice(0, 40)} is not supported: send the body uncompressed or gzip`);
  }
  const gunzip = createGunzip() as unknown as Payload & NodeJS.ReadWriteStream & { destroy(error?: Error): void };
  // Fastify checks Content-Length against the bytes received on the wire, which it reads here.
  gunzip.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    gunzip.receivedEncodedLength! += chunk.length;
  });
  payload.on('error', (error: Error) => gunzip.destroy(error));
  payload.pipe(gunzip);
  return gunzip;
}
