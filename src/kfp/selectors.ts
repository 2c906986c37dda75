/**
 * Pure read-outs for the Kubeflow Pipelines UI: the connection in plain words, why submission is off, the
 * experiments the runs list knows, and the submit dialog's parameter values. No signals, no I/O.
 */
import {
  IKfpConnection,
  KfpAuthMode,
  KfpConnectionState,
  KfpEndpointSource
} from '../../contract/kfp';
import { IPipelineParameter, IRun } from '../../contract/pipeline';

/** KFP's own default experiment. */
export const DEFAULT_EXPERIMENT = 'Default';

export const STATE_WORDS: Record<KfpConnectionState, string> = {
  connected: 'connected',
  'not-found': 'not found',
  unreachable: 'unreachable',
  unauthorized: 'refused',
  'too-old': 'too old',
  error: 'error'
};

export const VIA_WORDS: Record<KfpEndpointSource, string> = {
  'in-cluster': 'the in-cluster service ml-pipeline.kubeflow',
  'service-proxy': "the Kubernetes API server's service proxy (your kubeconfig)",
  configured: 'the configured URL (setting kfpEndpoint or KF_PIPELINES_ENDPOINT)'
};

export const AUTH_WORDS: Record<KfpAuthMode, string> = {
  'service-account-token': 'ServiceAccount token',
  'userid-header': 'kubeflow-userid header',
  kubeconfig: 'kubeconfig credentials',
  none: 'no credentials'
};

/** The rows of the connection's details: label and value, leaving out what is unknown. */
export function connectionFacts(c: IKfpConnection): [string, string][] {
  const rows: [string, string | undefined][] = [
    ['Found via', c.via && VIA_WORDS[c.via]],
    ['Endpoint', c.endpoint],
    ['Identity', identityWords(c)],
    ['Mode', c.multiUser === undefined ? undefined : c.multiUser ? 'multi-user' : 'single-user'],
    ['KFP version', c.version],
    [
      'Updates',
      c.updates === 'poll' ? 'polled' : c.updates === 'watch' ? 'pushed (watch)' : undefined
    ]
  ];
  return rows.filter((r): r is [string, string] => !!r[1]);
}

/** `alice@example.com (kubeflow-userid header)`, or just the mode. */
export function identityWords(c: Pick<IKfpConnection, 'auth' | 'identity'>): string | undefined {
  const mode = c.auth && AUTH_WORDS[c.auth];
  if (c.identity) {
    return mode ? `${c.identity} (${mode})` : c.identity;
  }
  return mode;
}

/** Why "Submit to Kubeflow" is off ('' when it is on). */
export function submitDisabledReason(c: IKfpConnection | undefined, loadError = ''): string {
  if (!c) {
    return loadError ? `Kubeflow Pipelines: ${loadError}` : 'Looking for Kubeflow Pipelines…';
  }
  if (c.state === 'connected') {
    return '';
  }
  const head = `Kubeflow Pipelines is ${STATE_WORDS[c.state]}`;
  return c.message ? `${head}: ${c.message}` : `${head}.`;
}

/** The experiment names of the KFP runs listed, sorted (for the filter and the submit dialog). */
export function experimentsOf(runs: Iterable<IRun>): string[] {
  const names = new Set<string>();
  for (const run of runs) {
    if (run.backend === 'kfp' && run.kfp?.experiment) {
      names.add(run.kfp.experiment);
    }
  }
  return [...names].sort((a, b) => a.localeCompare(b));
}

/** A parameter's default as the text the dialog starts with ('' when it has none). */
export function parameterText(param: IPipelineParameter): string {
  if (param.default === undefined || param.default === null) {
    return '';
  }
  return typeof param.default === 'string' ? param.default : JSON.stringify(param.default);
}

/**
 * The values to send: each parameter whose text differs from its default, read as its declared type where the
 * text is one (`5` for an integer, `true`, a JSON list); other text is sent as typed, and the proxy says what is
 * wrong with it at its field path. Empty text means "use the default".
 */
export function parameterValues(
  params: IPipelineParameter[],
  texts: Record<string, string>
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const p of params) {
    const text = texts[p.name] ?? '';
    if (text === '' || text === parameterText(p)) {
      continue;
    }
    values[p.name] = typedValue(p.type, text);
  }
  return values;
}

function typedValue(type: IPipelineParameter['type'], text: string): unknown {
  const trimmed = text.trim();
  switch (type) {
    case 'NUMBER_INTEGER':
      return /^[-+]?\d+$/.test(trimmed) ? Number(trimmed) : text;
    case 'NUMBER_DOUBLE':
      return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : text;
    case 'BOOLEAN':
      return trimmed === 'true' ? true : trimmed === 'false' ? false : text;
    case 'LIST':
    case 'STRUCT':
      try {
        return JSON.parse(trimmed);
      } catch {
        return text;
      }
    default:
      return text;
  }
}

/** The KFP runs list filter's choice for "where it runs". */
export function whereLabel(run: Pick<IRun, 'backend'>): string {
  return run.backend === 'kfp' ? 'KFP' : 'local';
}

/** Whether KFP has the run archived. */
export function isArchived(run: IRun): boolean {
  return run.kfp?.storageState === 'ARCHIVED';
}
