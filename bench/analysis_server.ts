/** A bare proxy with only the analysis route (no auth), for bench/analysis_e2e.py. Prints its port. */
import Fastify from 'fastify';
import { registerAnalysisRoutes } from '../proxy/src/routes/analysis';
import type { IAppDeps } from '../proxy/src/app';

const app = Fastify();
registerAnalysisRoutes(app, { rootDir: process.cwd() } as IAppDeps);
app.listen({ host: '127.0.0.1', port: 0 }).then(() => {
  const address = app.server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
