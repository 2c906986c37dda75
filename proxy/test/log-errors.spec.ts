import { explainLogError, logErrorLines } from '../src/backends/kubernetes/log-errors';
import { BackendError } from '../src/backends/types';

const err = (code: BackendError['code'], message: string) => new BackendError(code, message);

describe('why a replica log cannot be read, in words', () => {
  const cases: [string, BackendError, RegExp][] = [
    [
      'kubelet unreachable (the raw text names an internal URL)',
      err(
        'backend',
        'Get "https://10.1.2.3:10250/containerLogs/team-a/j-worker-0/pytorch?tailLines=1000": dial tcp 10.1.2.3:10250: connect: connection refused'
      ),
      /worker-0 cannot be read: the node running it does not answer/
    ],
    [
      'node gone (the apiserver says the pod is not found)',
      err('not_found', 'pods "node-7" not found'),
      /the node it ran on \("node-7"\) is gone/
    ],
    [
      'container not started',
      err(
        'invalid_spec',
        'container "pytorch" in pod "j-worker-0" is waiting to start: ContainerCreating'
      ),
      /its container has not started yet/
    ],
    [
      'kubelet error status',
      err('backend', 'an error on the server ("unknown") has prevented the request: 500'),
      /the node answered with an error/
    ],
    [
      'no permission',
      err('forbidden', 'pods "x" is forbidden: cannot get resource "pods/log"'),
      /RBAC/
    ],
    ['anything else', err('backend', 'weird'), /the cluster refused it/]
  ];
  it.each(cases)('%s', (_title, error, words) => {
    const { message, detail } = explainLogError('worker-0', error);
    expect(message).toMatch(words);
    expect(message).not.toMatch(/10250|https?:|containerLogs/);
    expect(detail).toBe(error.message);
  });

  it('writes a note line and a details line, prefixed like the replica when merged', () => {
    const error = err('backend', 'dial tcp 10.1.2.3:10250: i/o timeout');
    expect(logErrorLines('worker-1', error, true)).toBe(
      '[worker-1] [workbench] The log of worker-1 cannot be read: the node running it does not answer (its kubelet cannot be reached).\n' +
        '[worker-1] [workbench:details] dial tcp 10.1.2.3:10250: i/o timeout\n'
    );
    expect(logErrorLines('worker-1', error, false)).toMatch(/^\[workbench\] The log/);
  });
});
