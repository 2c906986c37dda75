/**
 * For bench/analysis_ping.mjs only: the analysis route as it was before issue 12 — the engine on the server's
 * event loop, pausing (setImmediate) between its steps — beside `/api/v1/info`, so the benchmark can show
 * ping latency inline and on worker threads side by side. Not shipped. Prints its port.
 */
import Fastify from 'fastify';
import { validateAnalysisSpec } from '../contract/analysis';
import { analyzeInTurns } from '../engine/analyze';
import { readTableFile } from '../engine/files';

const app = Fastify({ bodyLimit: 1024 * 1024 });
app.get('/api/v1/info', async () => ({ ok: true }));
app.post('/api/v1/analysis', async (request, reply) => {
  const checked = validateAnalysisSpec(request.body);
  if (!checked.ok || !('path' in checked.value.source)) {
    return reply.code(400).send({ error: 'bad spec' });
  }
  const spec = checked.value;
  const table = await readTableFile((spec.source as { path: string }).path);
  const pause = () => new Promise<void>(resolve => setImmediate(resolve));
  return analyzeInTurns(table, spec, { path: 'bench' }, pause);
});
app.listen({ host: '127.0.0.1', port: 0 }).then(() => {
  const address = app.server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
