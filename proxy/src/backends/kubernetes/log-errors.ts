/**
 * Why a replica's log cannot be read, in words a user can act on. The apiserver's own text (internal node
 * URLs, socket paths, HTTP codes) is kept as a detail line, never as the message.
 */
import { LOG_DETAILS_TAG, LOG_NOTE_TAG } from '../../../../contract/live';
import { BackendError } from '../types';

const RULES: [RegExp, (match: RegExpMatchArray) => string][] = [
  [
    /is waiting to start|ContainerCreating|PodInitializing/i,
    () => 'its container has not started yet'
  ],
  [
    /\bpods? "([^"]+)" not found/i,
    // The apiserver looks the pod's node up to reach its kubelet: a missing "pod" here is the node.
    m => `the node it ran on ("${m[1]}") is gone`
  ],
  [/\bnodes? "([^"]+)" not found/i, m => `the node it ran on ("${m[1]}") is gone`],
  [
    /dial tcp|connection refused|no route to host|i\/o timeout|TLS handshake|containerLogs|:10250\b|kubelet/i,
    () => 'the node running it does not answer (its kubelet cannot be reached)'
  ],
  [/\b5\d\d\b|Internal Server Error|Bad Gateway/i, () => 'the node answered with an error']
];

/** A log that could not be read: `message` in words, `detail` the upstream text (for a details toggle). */
export class LogError extends BackendError {
  constructor(
    code: BackendError['code'],
    message: string,
    readonly detail?: string
  ) {
    super(code, message);
  }
}

/** One plain line about `replica`, and the raw cause for the details. */
export function explainLogError(
  replica: string,
  error: BackendError
): { message: string; detail: string } {
  const detail = error.message;
  if (error.code === 'forbidden') {
    return {
      message: `The log of ${replica} cannot be read: you may not read pod logs in this namespace (RBAC pods/log).`,
      detail
    };
  }
  if (error.code === 'not_found' && /gone and none of its log was kept/.test(detail)) {
    return { message: detail, detail };
  }
  for (const [pattern, words] of RULES) {
    const match = detail.match(pattern);
    if (match) {
      return { message: `The log of ${replica} cannot be read: ${words(match)}.`, detail };
    }
  }
  return { message: `The log of ${replica} cannot be read: the cluster refused it.`, detail };
}

/** The note lines of a replica whose log failed, prefixed like its log lines when merged. */
export function logErrorLines(replica: string, error: BackendError, prefixed: boolean): string {
  const { message, detail } = explainLogError(replica, error);
  const prefix = prefixed ? `[${replica}] ` : '';
  const details = detail === message ? '' : `${prefix}${LOG_DETAILS_TAG} ${detail}\n`;
  return `${prefix}${LOG_NOTE_TAG} ${message}\n${details}`;
}
