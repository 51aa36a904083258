import { parseArgs } from 'node:util';
import { buildApp } from '../../api/app.js';
import { loadConfig } from '../../config/config.js';
import { openRuntime, type Runtime } from '../../runtime.js';

/** Serves until SIGINT/SIGTERM, then closes the server and the store in that order. */
export async function serveRuntime(runtime: Runtime): Promise<void> {
  const app = await buildApp(runtime, { logger: true });
  await app.listen({ host: runtime.config.host, port: runtime.config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : runtime.config.port;
  console.log(`serving on http://${runtime.config.host}:${port}  (API docs: http://${runtime.config.host}:${port}/docs)`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
}

export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, host: { type: 'string' } } });
  const config = loadConfig(process.env, {
    ...(values.port ? { HAP_PORT: values.port } : {}),
    ...(values.host ? { HAP_HOST: values.host } : {}),
  });
  const runtime = await openRuntime(config);
  try {
    await serveRuntime(runtime);
    return 0;
  } finally {
    await runtime.close();
  }
}
