/** Command line and environment → the proxy's configuration, with every mistake reported in plain words. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BackendSelection } from '../../contract/info';

export interface IProxyConfig {
  host: string;
  port: number;
  token: string;
  selection: BackendSelection;
  stateDir: string;
  runtimeDir?: string;
  namespace?: string;
  context?: string;
  namespaces: string[];
  allowedOrigins: string[];
  impersonateUser?: string;
  rootDir: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);

function defaultStateDir(env: NodeJS.ProcessEnv): string {
  const data = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  return join(data, 'kubeflow-workbench');
}

export function readConfig(argv: string[], env: NodeJS.ProcessEnv): IProxyConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'runtime-dir': { type: 'string' },
      'state-dir': { type: 'string' },
      backend: { type: 'string' },
      namespace: { type: 'string' },
      context: { type: 'string' },
      'root-dir': { type: 'string' }
    },
    strict: true
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a TCP port number, got "${values.port ?? ''}"`);
  }
  const host = values.host as string;
  if (!LOOPBACK.has(host)) {
    throw new Error(`refusing to listen on ${host}: the workbench proxy binds to loopback only`);
  }
  const token = env.KFWB_TOKEN ?? '';
  if (token.length < 16) {
    throw new Error('KFWB_TOKEN must hold the per-launch secret (at least 16 characters)');
  }
  const selection = (values.backend ?? env.KFWB_BACKEND ?? 'auto') as BackendSelection;
  if (!['auto', 'local', 'kubernetes'].includes(selection)) {
    throw new Error(`backend must be auto, local or kubernetes, got "${selection}"`);
  }
  return {
    host,
    port,
    token,
    selection,
    stateDir: values['state-dir'] ?? env.KFWB_STATE_DIR ?? defaultStateDir(env),
    runtimeDir: values['runtime-dir'] ?? env.KFWB_RUNTIME_DIR,
    namespace: values.namespace ?? env.KFWB_NAMESPACE,
    context: values.context ?? env.KFWB_CONTEXT,
    namespaces: list(env.KFWB_NAMESPACES),
    allowedOrigins: list(env.KFWB_ALLOWED_ORIGINS),
    impersonateUser: env.KFWB_IMPERSONATE_USER || undefined,
    rootDir: values['root-dir'] ?? env.KFWB_ROOT_DIR ?? process.cwd()
  };
}
