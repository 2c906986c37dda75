import {
  describeRequest,
  fieldPathToPointer,
  parseStatus,
  toBackendError
} from '../src/backends/kubernetes/errors';
import {
  chooseKubeconfigSource,
  describeLoadError,
  IKubeconfigEnvironment,
  mergeKubeconfigs,
  selectContext
} from '../src/backends/kubernetes/kubeconfig';
import { BackendError } from '../src/backends/types';

/** What client-node 1.4 throws: `ApiException` with `code` and `body` = the raw JSON text of a Status. */
const apiException = (code: number, status: object | string) => {
  const e = new Error(`HTTP-Code: ${code}`) as Error & {
    code: number;
    body: unknown;
  };
  e.code = code;
  e.body = typeof status === 'string' ? status : JSON.stringify(status);
  return e;
};

describe('describeRequest', () => {
  test.each([
    [
      'POST',
      '/apis/kubeflow.org/v1/namespaces/team-b/pytorchjobs',
      'create',
      'pytorchjobs',
      'team-b',
      undefined
    ],
    [
      'GET',
      '/apis/kubeflow.org/v1/namespaces/team-b/tfjobs/mnist',
      'get',
      'tfjobs',
      'team-b',
      'mnist'
    ],
    [
      'GET',
      '/apis/kubeflow.org/v1/namespaces/team-b/tfjobs',
      'list',
      'tfjobs',
      'team-b',
      undefined
    ],
    [
      'GET',
      '/api/v1/namespaces/team-a/pods?watch=true&labelSelector=x',
      'watch',
      'pods',
      'team-a',
      undefined
    ],
    ['DELETE', '/api/v1/namespaces/team-a/configmaps/src', 'delete', 'configmaps', 'team-a', 'src'],
    ['GET', '/api/v1/namespaces/team-a/pods/p-0/log', 'get', 'pods/log', 'team-a', 'p-0'],
    ['GET', '/api/v1/namespaces', 'list', 'namespaces', undefined, undefined],
    ['GET', '/api/v1/namespaces/team-a', 'get', 'namespaces', undefined, 'team-a']
  ])('%s %s', (method, path, verb, resource, namespace, name) => {
    expect(describeRequest(method, path)).toEqual({
      verb,
      resource,
      namespace,
      name,
      server: undefined
    });
  });
});

describe('fieldPathToPointer', () => {
  test.each([
    ['spec.pytorchReplicaSpecs.Worker.replicas', '/spec/pytorchReplicaSpecs/Worker/replicas'],
    ['spec.template.spec.containers[0].image', '/spec/template/spec/containers/0/image'],
    ['metadata.labels[app.kubernetes.io/name]', '/metadata/labels/app.kubernetes.io~1name'],
    ['metadata.annotations[a~b]', '/metadata/annotations/a~0b'],
    ['metadata.name', '/metadata/name']
  ])('%s', (field, pointer) => {
    expect(fieldPathToPointer(field)).toBe(pointer);
  });
});

describe('parseStatus', () => {
  test('parses the JSON text client-node leaves in e.body', () => {
    expect(parseStatus('{"kind":"Status","reason":"NotFound","code":404}')).toMatchObject({
      reason: 'NotFound'
    });
  });
  test('accepts an already parsed object and a Buffer', () => {
    expect(parseStatus({ message: 'm' })).toEqual({ message: 'm' });
    expect(parseStatus(Buffer.from('{"message":"b"}'))).toEqual({ message: 'b' });
  });
  test('keeps non-JSON text as the message and survives nothing at all', () => {
    expect(parseStatus('<html>bad gateway</html>')).toEqual({
      message: '<html>bad gateway</html>'
    });
    expect(parseStatus(undefined)).toEqual({});
    expect(parseStatus('')).toEqual({});
    expect(parseStatus('null')).toEqual({});
  });
});

describe('toBackendError', () => {
  const createInTeamB = describeRequest(
    'POST',
    '/apis/kubeflow.org/v1/namespaces/team-b/pytorchjobs'
  );

  test('403 names verb, resource and namespace', () => {
    const status = {
      kind: 'Status',
      code: 403,
      reason: 'Forbidden',
      message: 'pytorchjobs.kubeflow.org is forbidden'
    };
    const error = toBackendError(apiException(403, status), createInTeamB);
    expect(error).toBeInstanceOf(BackendError);
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe(
      'You may not create training jobs (pytorchjobs) in namespace "team-b".'
    );
  });

  test('404 names the missing object', () => {
    const request = describeRequest('GET', '/apis/kubeflow.org/v1/namespaces/team-a/tfjobs/mnist');
    const error = toBackendError(apiException(404, { reason: 'NotFound' }), request);
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('No tfjobs "mnist" in namespace "team-a".');
  });

  test('409 is a conflict carrying the apiserver message', () => {
    const message = 'pytorchjobs.kubeflow.org "a" already exists';
    const error = toBackendError(
      apiException(409, { reason: 'AlreadyExists', message }),
      createInTeamB
    );
    expect(error.code).toBe('conflict');
    expect(error.message).toBe(message);
  });

  test('422 turns Status causes into JSON-pointer field errors', () => {
    const status = {
      kind: 'Status',
      code: 422,
      reason: 'Invalid',
      message:
        'PyTorchJob.kubeflow.org "a" is invalid: spec.pytorchReplicaSpecs.Worker.replicas: Invalid value',
      details: {
        name: 'a',
        kind: 'PyTorchJob',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message:
              'Invalid value: "string": spec.pytorchReplicaSpecs.Worker.replicas in body must be of type integer',
            field: 'spec.pytorchReplicaSpecs.Worker.replicas'
          },
          {
            reason: 'FieldValueRequired',
            message: 'Required value',
            field: 'spec.template.spec.containers[0].name'
          },
          { reason: 'FieldValueInvalid', message: 'no field given' }
        ]
      }
    };
    const error = toBackendError(apiException(422, status), createInTeamB);
    expect(error.code).toBe('invalid_spec');
    expect(error.message).toBe(status.message);
    expect(error.fields).toEqual([
      {
        path: '/spec/pytorchReplicaSpecs/Worker/replicas',
        message:
          'Invalid value: "string": spec.pytorchReplicaSpecs.Worker.replicas in body must be of type integer'
      },
      {
        path: '/spec/template/spec/containers/0/name',
        message: 'Required value'
      },
      { path: '', message: 'no field given' }
    ]);
  });

  test('422 with a malformed body still answers invalid_spec', () => {
    const error = toBackendError(apiException(422, 'not json {'), createInTeamB);
    expect(error.code).toBe('invalid_spec');
    expect(error.message).toBe('not json {');
    expect(error.fields).toBeUndefined();
  });

  test('401 is forbidden (our own 401 means a wrong proxy secret)', () => {
    const error = toBackendError(apiException(401, { message: 'Unauthorized' }), createInTeamB);
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('did not accept the credentials');
  });

  test('a Watch failure with statusCode and no body is mapped by its code', () => {
    const e = Object.assign(new Error('Forbidden'), { statusCode: 403 });
    const request = describeRequest('GET', '/api/v1/namespaces/team-b/pods?watch=true');
    expect(toBackendError(e, request).message).toBe(
      'You may not watch pods in namespace "team-b".'
    );
  });

  test('a FetchError (connection refused) is unreachable and names the server', () => {
    const e = Object.assign(
      new Error(
        'request to https://127.0.0.1:6443/version failed, reason: connect ECONNREFUSED 127.0.0.1:6443'
      ),
      { name: 'FetchError', code: 'ECONNREFUSED', type: 'system' }
    );
    const error = toBackendError(e, { server: 'https://127.0.0.1:6443' });
    expect(error.code).toBe('unreachable');
    expect(error.message).toBe(
      'Could not reach the Kubernetes API server at https://127.0.0.1:6443: connect ECONNREFUSED 127.0.0.1:6443'
    );
  });

  test('a timeout is unreachable in plain words', () => {
    const e = Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
    expect(toBackendError(e, { server: 'https://k' }).message).toBe(
      'The Kubernetes API server at https://k did not answer in time.'
    );
  });

  test('503 is unreachable, 500 is a backend error, and BackendErrors pass through', () => {
    expect(toBackendError(apiException(503, { message: 'etcd down' })).code).toBe('unreachable');
    const internal = toBackendError(apiException(500, { message: 'boom' }));
    expect(internal.code).toBe('backend');
    expect(internal.message).toBe('The Kubernetes API server answered HTTP 500: boom');
    const mine = new BackendError('conflict', 'mine');
    expect(toBackendError(mine)).toBe(mine);
  });

  test('anything else becomes a backend error with its message, never a stack', () => {
    const error = toBackendError(new TypeError('cannot read x'));
    expect(error.code).toBe('backend');
    expect(error.message).toBe('Kubernetes request failed: cannot read x');
    expect(toBackendError('weird').message).toBe('Kubernetes request failed: weird');
  });
});

describe('kubeconfig problems are told in plain words', () => {
  const env = (
    files: string[],
    extra: Partial<IKubeconfigEnvironment> = {}
  ): IKubeconfigEnvironment => ({
    home: '/home/u',
    delimiter: ':',
    inCluster: false,
    exists: path => files.includes(path),
    ...extra
  });
  const config = {
    clusters: [
      { name: 'prod', server: 'https://prod:6443' },
      { name: 'plain', server: 'http://127.0.0.1:8080' }
    ],
    users: [{ name: 'me' }],
    contexts: [
      { name: 'prod', cluster: 'prod', user: 'me', namespace: 'team-a' },
      { name: 'ghost', cluster: 'gone', user: 'me' },
      { name: 'plain', cluster: 'plain', user: 'me' }
    ],
    currentContext: 'prod'
  };
  const message = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(BackendError);
      expect((e as BackendError).code).toBe('unreachable');
      return (e as BackendError).message;
    }
    throw new Error('expected a BackendError');
  };

  test('an explicit file wins, and a missing one is named', () => {
    expect(chooseKubeconfigSource('/k/a', env(['/k/a', '/home/u/.kube/config']))).toEqual({
      kind: 'files',
      files: ['/k/a'],
      label: 'kubeconfig /k/a'
    });
    expect(message(() => chooseKubeconfigSource('/k/none', env([])))).toBe(
      'The kubeconfig file /k/none does not exist.'
    );
  });

  test('KUBECONFIG lists are merged, skipping missing files like kubectl', () => {
    const source = chooseKubeconfigSource(
      undefined,
      env(['/a', '/c'], { kubeconfigEnv: '/a:/b:/c' })
    );
    expect(source).toEqual({
      kind: 'files',
      files: ['/a', '/c'],
      label: 'KUBECONFIG (/a:/c)'
    });
    expect(
      message(() => chooseKubeconfigSource(undefined, env([], { kubeconfigEnv: '/x:/y' })))
    ).toBe('None of the files in KUBECONFIG exist (/x:/y).');
  });

  test('then ~/.kube/config, then the in-cluster service account, else a plain explanation', () => {
    expect(chooseKubeconfigSource(undefined, env(['/home/u/.kube/config'])).label).toBe(
      'kubeconfig /home/u/.kube/config'
    );
    expect(chooseKubeconfigSource(undefined, env([], { inCluster: true })).kind).toBe('in-cluster');
    expect(message(() => chooseKubeconfigSource(undefined, env([])))).toBe(
      'No kubeconfig found: KUBECONFIG is not set, /home/u/.kube/config does not exist, and this is not running in a cluster.'
    );
  });

  test('context selection names the file, the context and the cluster', () => {
    expect(selectContext(config, undefined, 'kubeconfig /k')).toEqual({
      context: 'prod',
      server: 'https://prod:6443',
      namespace: 'team-a'
    });
    expect(message(() => selectContext(config, 'staging', 'kubeconfig /k'))).toBe(
      'The context "staging" is not in kubeconfig /k (it has prod, ghost, plain).'
    );
    expect(message(() => selectContext(config, 'ghost', 'kubeconfig /k'))).toBe(
      'The context "ghost" uses cluster "gone", which kubeconfig /k does not define.'
    );
    expect(
      message(() =>
        selectContext({ ...config, currentContext: undefined }, undefined, 'kubeconfig /k')
      )
    ).toBe('kubeconfig /k names no current context. Choose one of: prod, ghost, plain.');
    expect(message(() => selectContext(config, 'plain', 'kubeconfig /k'))).toContain(
      'uses plain http'
    );
  });

  test('load errors: missing file, bad YAML, not a kubeconfig', () => {
    expect(describeLoadError('/k', Object.assign(new Error('x'), { code: 'ENOENT' })).message).toBe(
      'The kubeconfig file /k does not exist.'
    );
    const yamlError = Object.assign(new Error('long'), {
      name: 'YAMLException',
      reason: 'bad indentation'
    });
    expect(describeLoadError('/k', yamlError).message).toBe(
      'The kubeconfig file /k is not valid YAML: bad indentation.'
    );
    expect(
      describeLoadError('/k', new TypeError("Cannot read properties of undefined (reading 'map')"))
        .message
    ).toBe('The kubeconfig file /k is empty or not a kubeconfig.');
  });

  test('merging keeps the first definition of each name and the first current context', () => {
    const first = {
      clusters: [{ name: 'c', server: 'https://one' }],
      users: [],
      contexts: [],
      currentContext: undefined
    };
    const second = {
      clusters: [
        { name: 'c', server: 'https://two' },
        { name: 'd', server: 'https://d' }
      ],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'd', user: 'u' }],
      currentContext: 'x'
    };
    expect(mergeKubeconfigs([first, second])).toEqual({
      clusters: [
        { name: 'c', server: 'https://one' },
        { name: 'd', server: 'https://d' }
      ],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'd', user: 'u' }],
      currentContext: 'x'
    });
  });
});

describe('not found of something else than the object asked for', () => {
  test('a pod log whose node is gone says so', () => {
    const status = {
      code: 404,
      reason: 'NotFound',
      message: 'nodes "n1" not found',
      details: { name: 'n1', kind: 'nodes' }
    };
    const request = describeRequest('GET', '/api/v1/namespaces/a/pods/p-0/log');
    expect(toBackendError(apiException(404, status), request).message).toBe('nodes "n1" not found');
  });
});

describe('namespace order', () => {
  it("puts Kubeflow profiles first and marks the cluster's own namespaces, last", () => {
    const { orderNamespaces } = jest.requireActual('../src/backends/kubernetes');
    const ns = (name: string, labels?: Record<string, string>) => ({ metadata: { name, labels } });
    expect(
      orderNamespaces([
        ns('kube-system'),
        ns('default'),
        ns('team-b', { 'app.kubernetes.io/part-of': 'kubeflow-profile' }),
        ns('kubeflow'),
        ns('kube-public'),
        ns('team-a', { 'app.kubernetes.io/part-of': 'kubeflow-profile' })
      ])
    ).toEqual([
      { name: 'team-a', profile: true },
      { name: 'team-b', profile: true },
      { name: 'default' },
      { name: 'kubeflow' },
      { name: 'kube-public', system: true },
      { name: 'kube-system', system: true }
    ]);
  });
});
