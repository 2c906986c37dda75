/** Entry point: read the configuration, pick a backend, listen on loopback, tell kernels where we are. */
import { AddressInfo } from 'node:net';
import { createApp } from './app';
import { readConfig } from './config';
import { BackendHolder } from './backends/select';
import { connectKubernetes } from './backends/kubernetes';
import { createLocalBackend } from './backends/local';
import { removeRuntimeFile, writeRuntimeFile } from './runtime-file';

declare const __PROXY_VERSION__: string;
declare const __CLIENT_NODE_VERSION__: string;

async function main(): Promise<void> {
  const config = readConfig(process.argv.slice(2), process.env);
  const backends = new BackendHolder(
    {
      selection: config.selection,
      stateDir: config.stateDir,
      namespace: config.namespace,
      context: config.context,
      impersonateUser: config.impersonateUser,
      rootDir: config.rootDir
    },
    { kubernetes: connectKubernetes, local: createLocalBackend }
  );
  const selected = await backends.select();
  const versions = {
    proxy: __PROXY_VERSION__,
    node: process.version,
    clientNode: __CLIENT_NODE_VERSION__
  };
  const app = createApp({
    token: config.token,
    backends,
    versions,
    allowedOrigins: config.allowedOrigins,
    namespaces: config.namespaces,
    rootDir: config.rootDir,
    logger: process.env.KFWB_LOG === '1'
  });
  await app.listen({ host: config.host, port: config.port });
  const { port } = app.server.address() as AddressInfo;
  const runtimeFile = config.runtimeDir
    ? writeRuntimeFile(config.runtimeDir, {
        url: `http://127.0.0.1:${port}`,
        token: config.token,
        pid: process.pid,
        started: new Date().toISOString(),
        version: versions.proxy
      })
    : undefined;
  const where = selected.context ? ` (context ${selected.context})` : '';
  process.stderr.write(
    `kubeflow-workbench proxy ${versions.proxy} on 127.0.0.1:${port}, backend ${selected.kind}${where}` +
      (selected.message ? `: ${selected.message}` : '') +
      '\n'
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) {
      return;
    }
    stopping = true;
    if (runtimeFile) {
      removeRuntimeFile(runtimeFile);
    }
    await app.close();
    await backends.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch(error => {
  process.stderr.write(
    `kubeflow-workbench proxy: ${error instanceof Error ? error.message : String(error)}\n`
  );
  process.exit(1);
});
