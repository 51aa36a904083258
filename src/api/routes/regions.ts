import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { ApiError } from '../errors.js';
import { errorResponse, regionParam } from '../schemas.js';

const division = z.object({ code: z.string(), name: z.string(), level: z.enum(['county', 'street', 'community']) });

export const regionRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  const { reference } = runtime;
  app.get(
    '/v1/regions/:code',
    {
      config: { access: 'figures:read' },
      schema: {
        tags: ['reference'],
        summary: 'A node of the division hierarchy with its children and institutions',
        params: z.object({ code: regionParam }),
        response: {
          200: division.extend({
            parent: division.nullable(),
            children: z.array(division),
            institutions: z.array(z.object({ code: z.string(), name: z.string(), address: z.string().optional(), serves: z.array(z.string()) })),
          }),
          400: errorResponse,
          404: errorResponse,
        },
      },
    },
    async (request) => {
      const node = reference.divisions.get(request.params.code);
      if (!node) throw new ApiError('not_found', `division ${request.params.code} is not in the reference data of ${reference.county.code}`);
      const parent = node.parent ? reference.divisions.get(node.parent) : undefined;
      const street = node.code.slice(0, 9);
      const institutions = [...reference.institutions.values()].filter((i) =>
        node.level === 'county' ? true : i.serves.includes(street),
      );
      return {
        code: node.code,
        name: node.name,
        level: node.level,
        parent: parent ? { code: parent.code, name: parent.name, level: parent.level } : null,
        children: reference.childrenOf(node.code).map((c) => ({ code: c.code, name: c.name, level: c.level })),
        institutions,
      };
    },
  );
};
