/** The spec ↔ object mappers, field by field against the API facts (kubeflow-api.md §1.1–1.5, §1.7). */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Framework, ITrainingJobSpec } from '../../contract/training';
import {
  jobFromObject,
  KIND_INFO,
  launchOf,
  replicaFromPod,
  shellQuote,
  SOURCE_MOUNT_PATH,
  SPEC_ANNOTATION,
  toJAXJob,
  toKubeflowObject,
  toMPIJob,
  toPaddleJob,
  toPyTorchJob,
  toSourceConfigMap,
  toTFJob,
  toTrainJob,
  toXGBoostJob,
  withOwner
} from '../src/backends/kubernetes/mappers';
import { specFieldOf, toSpecFields } from '../src/backends/kubernetes/mappers/field-path';
import { overrideFieldOfSchema } from '../src/backends/kubernetes/mappers/trainjob-overrides';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const base = (
  framework: Framework,
  replicas: ITrainingJobSpec['replicas'],
  extra: Partial<ITrainingJobSpec> = {}
) =>
  ({
    name: 'job',
    framework,
    replicas,
    command: ['python', 'train.py'],
    ...extra
  }) as ITrainingJobSpec;

describe('KIND_INFO', () => {
  test.each([
    ['tensorflow', 'TFJob', 'tfjobs', 'tfReplicaSpecs', 'tensorflow', 'tfjob-port', 2222, 'Never'],
    [
      'pytorch',
      'PyTorchJob',
      'pytorchjobs',
      'pytorchReplicaSpecs',
      'pytorch',
      'pytorchjob-port',
      23456,
      'OnFailure'
    ],
    ['mpi', 'MPIJob', 'mpijobs', 'mpiReplicaSpecs', 'mpi', 'mpi-port', 9999, 'Never'],
    [
      'xgboost',
      'XGBoostJob',
      'xgboostjobs',
      'xgbReplicaSpecs',
      'xgboost',
      'xgboostjob-port',
      9999,
      'Never'
    ],
    [
      'paddle',
      'PaddleJob',
      'paddlejobs',
      'paddleReplicaSpecs',
      'paddle',
      'master',
      36543,
      'OnFailure'
    ],
    ['jax', 'JAXJob', 'jaxjobs', 'jaxReplicaSpecs', 'jax', 'jaxjob-port', 6666, 'Never']
  ])(
    '%s is %s/%s with %s, container %s, port %s:%d, restart %s',
    (framework, kind, plural, field, container, portName, port, restart) => {
      expect(KIND_INFO[framework as Framework]).toMatchObject({
        kind,
        plural,
        group: 'kubeflow.org',
        version: 'v1',
        replicaSpecField: field,
        container,
        portName,
        port,
        defaultRestartPolicy: restart,
        operatorName: `${kind.toLowerCase()}-controller`
      });
    }
  );

  test('TrainJob is trainer.kubeflow.org/v1alpha1 trainjobs with the single Node role', () => {
    expect(KIND_INFO.trainjob).toMatchObject({
      kind: 'TrainJob',
      plural: 'trainjobs',
      group: 'trainer.kubeflow.org',
      version: 'v1alpha1',
      roles: ['Node']
    });
    expect(KIND_INFO.trainjob.replicaSpecField).toBeUndefined();
  });
});

describe('v1 kinds', () => {
  const full = base(
    'pytorch',
    { Master: { count: 1 }, Worker: { count: 3 } },
    {
      image: 'ghcr.io/me/train:1',
      args: ['--epochs', '2'],
      env: { LR: '0.1' },
      resources: {
        cpu: '2',
        memory: '4Gi',
        gpus: 1,
        gpuResource: 'amd.com/gpu'
      },
      volumes: [{ claimName: 'data', mountPath: '/data', readOnly: true }],
      nodeSelector: { pool: 'gpu' },
      tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }],
      terminationGracePeriodSeconds: 90,
      runPolicy: {
        cleanPodPolicy: 'Running',
        ttlSecondsAfterFinished: 600,
        backoffLimit: 2,
        activeDeadlineSeconds: 3600
      },
      labels: { team: 'a' }
    }
  );

  test('PyTorchJob, field by field', () => {
    const object = toPyTorchJob(full, 'team-a') as Obj;
    expect(object.apiVersion).toBe('kubeflow.org/v1');
    expect(object.kind).toBe('PyTorchJob');
    expect(object.metadata).toEqual({
      name: 'job',
      namespace: 'team-a',
      labels: {
        team: 'a',
        'app.kubernetes.io/managed-by': 'kubeflow-workbench'
      },
      annotations: {
        [SPEC_ANNOTATION]: JSON.stringify({ ...full, namespace: 'team-a' })
      }
    });
    expect(object.spec.runPolicy).toEqual({
      cleanPodPolicy: 'Running',
      ttlSecondsAfterFinished: 600,
      backoffLimit: 2,
      activeDeadlineSeconds: 3600
    });
    expect(Object.keys(object.spec.pytorchReplicaSpecs)).toEqual(['Master', 'Worker']);
    expect(object.spec.pytorchReplicaSpecs.Master).toMatchObject({
      replicas: 1,
      restartPolicy: 'OnFailure'
    });
    expect(object.spec.pytorchReplicaSpecs.Worker).toMatchObject({
      replicas: 3,
      restartPolicy: 'OnFailure'
    });
    const template = object.spec.pytorchReplicaSpecs.Worker.template;
    expect(template.metadata.labels).toEqual({
      team: 'a',
      'app.kubernetes.io/managed-by': 'kubeflow-workbench'
    });
    expect(template.spec).toEqual({
      containers: [
        {
          name: 'pytorch',
          image: 'ghcr.io/me/train:1',
          command: ['python', 'train.py', '--epochs', '2'],
          env: [{ name: 'LR', value: '0.1' }],
          ports: [{ name: 'pytorchjob-port', containerPort: 23456 }],
          resources: {
            requests: { cpu: '2', memory: '4Gi', 'amd.com/gpu': '1' },
            limits: { memory: '4Gi', 'amd.com/gpu': '1' }
          },
          volumeMounts: [{ name: 'pvc-0', mountPath: '/data', readOnly: true }]
        }
      ],
      volumes: [
        {
          name: 'pvc-0',
          persistentVolumeClaim: { claimName: 'data', readOnly: true }
        }
      ],
      nodeSelector: { pool: 'gpu' },
      tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }],
      terminationGracePeriodSeconds: 90
    });
  });

  test.each([
    [
      'tensorflow',
      toTFJob,
      {
        Chief: { count: 1 },
        PS: { count: 1 },
        Worker: { count: 2 },
        Evaluator: { count: 1 }
      }
    ],
    ['mpi', toMPIJob, { Launcher: { count: 1 }, Worker: { count: 2 } }],
    ['xgboost', toXGBoostJob, { Master: { count: 1 }, Worker: { count: 2 } }],
    ['paddle', toPaddleJob, { Master: { count: 1 }, Worker: { count: 1 } }],
    ['jax', toJAXJob, { Worker: { count: 2 } }]
  ] as const)(
    '%s: replica-spec field, roles, container and port as the operator expects',
    (framework, mapper, replicas) => {
      const info = KIND_INFO[framework];
      const object = mapper(base(framework, replicas), 'ns') as Obj;
      expect(object).toEqual(toKubeflowObject(base(framework, replicas), 'ns'));
      expect(object.kind).toBe(info.kind);
      const specs = object.spec[info.replicaSpecField as string];
      expect(Object.keys(specs)).toEqual(Object.keys(replicas));
      for (const [role, { count }] of Object.entries(replicas)) {
        expect(specs[role].replicas).toBe(count);
        expect(specs[role].restartPolicy).toBe(info.defaultRestartPolicy);
        const [container] = specs[role].template.spec.containers;
        expect(container.name).toBe(info.container);
        expect(container.ports).toEqual([{ name: info.portName, containerPort: info.port }]);
        expect(container.image).toBe('python:3.11-slim');
      }
    }
  );

  test('the variables the operators inject are never set by us', () => {
    const object = toTFJob(
      base('tensorflow', { Chief: { count: 1 }, Worker: { count: 2 } }, { env: { A: '1' } }),
      'ns'
    ) as Obj;
    const env = object.spec.tfReplicaSpecs.Worker.template.spec.containers[0].env.map(
      (e: { name: string }) => e.name
    );
    expect(env).toEqual(['A']);
    const torch = toPyTorchJob(base('pytorch', { Worker: { count: 2 } }), 'ns') as Obj;
    expect(torch.spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].env).toBeUndefined();
  });

  test('GPUs default to nvidia.com/gpu, as requests and limits', () => {
    const object = toPyTorchJob(
      base('pytorch', { Worker: { count: 1 } }, { resources: { gpus: 2 } }),
      'ns'
    ) as Obj;
    expect(object.spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].resources).toEqual({
      requests: { 'nvidia.com/gpu': '2' },
      limits: { 'nvidia.com/gpu': '2' }
    });
  });

  test('a job without a name is refused (routes generate one first)', () => {
    expect(() =>
      toPyTorchJob({ framework: 'pytorch', replicas: { Worker: { count: 1 } } }, 'ns')
    ).toThrow(/needs a name/);
  });
});

describe('source and packages without an image build', () => {
  const source = { filename: 'train.py', content: 'print("hi")\n' };

  test('the source ConfigMap is mounted read-only in every replica and run with python', () => {
    const spec = base(
      'tensorflow',
      { Chief: { count: 1 }, Worker: { count: 2 } },
      { command: undefined, source, args: ['--lr', '0.1'] }
    );
    const object = toTFJob(spec, 'ns') as Obj;
    for (const role of ['Chief', 'Worker']) {
      const pod = object.spec.tfReplicaSpecs[role].template.spec;
      expect(pod.volumes).toEqual([
        { name: 'workbench-source', configMap: { name: 'job-source' } }
      ]);
      expect(pod.containers[0].volumeMounts).toEqual([
        {
          name: 'workbench-source',
          mountPath: '/opt/kubeflow-workbench/src',
          readOnly: true
        }
      ]);
      expect(pod.containers[0].command).toEqual([
        'python',
        '/opt/kubeflow-workbench/src/train.py',
        '--lr',
        '0.1'
      ]);
    }
    expect(toSourceConfigMap(spec, 'job', 'ns')).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'job-source',
        namespace: 'ns',
        labels: {
          'app.kubernetes.io/managed-by': 'kubeflow-workbench',
          'kubeflow-workbench.io/job-name': 'job'
        }
      },
      data: { 'train.py': 'print("hi")\n' }
    });
  });

  test('a launcher command gets the source file as its argument', () => {
    const spec = base(
      'pytorch',
      { Worker: { count: 1 } },
      { command: ['torchrun', '--nproc-per-node=2'], source }
    );
    expect(launchOf(spec)).toEqual({
      command: ['torchrun', '--nproc-per-node=2', '/opt/kubeflow-workbench/src/train.py']
    });
  });

  test('packages are pip-installed at start, with the command passed as positional parameters', () => {
    const spec = base(
      'pytorch',
      { Worker: { count: 1 } },
      {
        command: undefined,
        source,
        args: ['it is'],
        packages: ['numpy==1.26.4', 'torch>=2,<3']
      }
    );
    expect(launchOf(spec)).toEqual({
      command: [
        'sh',
        '-c',
        `pip install --no-cache-dir numpy==1.26.4 'torch>=2,<3' && exec "$@"`,
        'sh',
        'python',
        '/opt/kubeflow-workbench/src/train.py',
        'it is'
      ]
    });
  });

  test('that command really runs: pip sees each requirement as one word, the script gets its args intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfwb-launch-'));
    try {
      writeFileSync(join(dir, 'pip'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/pip-args"\n`);
      chmodSync(join(dir, 'pip'), 0o755);
      symlinkSync(
        execFileSync('sh', ['-c', 'command -v python3']).toString().trim(),
        join(dir, 'python')
      );
      writeFileSync(join(dir, 'show.py'), 'import json, sys\nprint(json.dumps(sys.argv[1:]))\n');
      const tricky = [`it's`, '$HOME', 'a b', '"q"', '`id`'];
      const spec = base(
        'pytorch',
        { Worker: { count: 1 } },
        {
          command: undefined,
          source: { filename: 'show.py', content: '' },
          args: tricky,
          packages: ['numpy==1.26.4', 'torch>=2,<3', 'x[extra]']
        }
      );
      const [cmd, ...rest] = launchOf(spec, dir).command as string[];
      const out = execFileSync(cmd, rest, {
        env: { PATH: `${dir}:/usr/bin:/bin` }
      }).toString();
      expect(JSON.parse(out)).toEqual(tricky);
      expect(readFileSync(join(dir, 'pip-args'), 'utf8')).toBe(
        'install\n--no-cache-dir\nnumpy==1.26.4\ntorch>=2,<3\nx[extra]\n'
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('shellQuote survives sh for any string', () => {
    for (const word of [`it's`, `'`, `a'b'c`, '$(rm -rf /)', 'plain', '', 'x y']) {
      expect(execFileSync('sh', ['-c', `printf '%s' ${shellQuote(word)}`]).toString()).toBe(word);
    }
  });

  test('packages without anything to run are a programming error', () => {
    expect(() =>
      launchOf(
        base('pytorch', { Worker: { count: 1 } }, { command: undefined, packages: ['numpy'] })
      )
    ).toThrow(/need a command or a source file/);
  });

  test('no ConfigMap without source; withOwner makes the created job its controller owner', () => {
    expect(
      toSourceConfigMap(base('pytorch', { Worker: { count: 1 } }), 'job', 'ns')
    ).toBeUndefined();
    const configMap = toSourceConfigMap(
      base('pytorch', { Worker: { count: 1 } }, { source }),
      'job',
      'ns'
    )!;
    const job = {
      apiVersion: 'kubeflow.org/v1',
      kind: 'PyTorchJob',
      metadata: { name: 'job', uid: 'u-1' }
    };
    expect(withOwner(configMap, job).metadata.ownerReferences).toEqual([
      {
        apiVersion: 'kubeflow.org/v1',
        kind: 'PyTorchJob',
        name: 'job',
        uid: 'u-1',
        controller: true
      }
    ]);
    expect(configMap.metadata.ownerReferences).toBeUndefined();
    expect(() => withOwner(configMap, { ...job, metadata: { name: 'job' } })).toThrow(/uid/);
  });
});

describe('TrainJob', () => {
  test('runtimeRef, trainer fields, numNodes from the Node role', () => {
    const spec = base(
      'trainjob',
      { Node: { count: 4 } },
      {
        runtimeRef: { name: 'torch-distributed' },
        env: { A: '1' },
        resources: { cpu: '1', gpus: 1 },
        runPolicy: { activeDeadlineSeconds: 60 }
      }
    );
    const object = toTrainJob(spec, 'ns') as Obj;
    expect(object).toEqual(toKubeflowObject(spec, 'ns'));
    expect(object.apiVersion).toBe('trainer.kubeflow.org/v1alpha1');
    expect(object.kind).toBe('TrainJob');
    expect(object.spec).toEqual({
      runtimeRef: {
        name: 'torch-distributed',
        apiGroup: 'trainer.kubeflow.org',
        kind: 'ClusterTrainingRuntime'
      },
      trainer: {
        image: 'python:3.11-slim',
        command: ['python', 'train.py'],
        numNodes: 4,
        env: [{ name: 'A', value: '1' }],
        resourcesPerNode: {
          requests: { cpu: '1', 'nvidia.com/gpu': '1' },
          limits: { 'nvidia.com/gpu': '1' }
        }
      },
      activeDeadlineSeconds: 60
    });
  });

  test('source travels in the env and is written to a file before it runs (no volume, no ConfigMap)', () => {
    const spec = base(
      'trainjob',
      { Node: { count: 1 } },
      {
        command: undefined,
        runtimeRef: { name: 'rt', kind: 'TrainingRuntime' },
        source: { filename: 'train.py', content: 'print(1)' }
      }
    );
    const object = toTrainJob(spec, 'ns') as Obj;
    expect(object.spec.runtimeRef.kind).toBe('TrainingRuntime');
    expect(object.spec.trainer.env).toEqual([{ name: 'KFWB_SOURCE', value: 'print(1)' }]);
    expect(object.spec.trainer.command).toEqual([
      'sh',
      '-c',
      `mkdir -p /tmp/kubeflow-workbench/src && printf '%s' "$KFWB_SOURCE" > /tmp/kubeflow-workbench/src/train.py && exec "$@"`,
      'sh',
      'python',
      '/tmp/kubeflow-workbench/src/train.py'
    ]);
    expect(toSourceConfigMap(spec, 'job', 'ns')).toBeUndefined();
  });
});

describe('jobFromObject', () => {
  const spec = base('pytorch', { Master: { count: 1 }, Worker: { count: 3 } });
  const created = (extra: Obj = {}) => ({
    ...toPyTorchJob(spec, 'ns'),
    metadata: {
      ...toPyTorchJob(spec, 'ns').metadata,
      uid: 'u',
      resourceVersion: '42',
      creationTimestamp: '2026-01-01T00:00:00Z',
      managedFields: [{ manager: 'x' }]
    },
    ...extra
  });
  const cond = (type: string, status = 'True', at = '2026-01-01T00:01:00Z') => ({
    type,
    status,
    reason: `PyTorchJob${type}`,
    message: type,
    lastTransitionTime: at,
    lastUpdateTime: at
  });

  test('a fresh job: Created, its spec from the annotation, the manifest without managedFields', () => {
    const job = jobFromObject(created());
    expect(job).toMatchObject({
      name: 'job',
      namespace: 'ns',
      framework: 'pytorch',
      kind: 'PyTorchJob',
      backend: 'kubernetes',
      phase: 'Created',
      created: '2026-01-01T00:00:00Z',
      resourceVersion: '42',
      conditions: [],
      replicas: [],
      spec: { ...spec, namespace: 'ns' }
    });
    expect((job.manifest as Obj).metadata.managedFields).toBeUndefined();
    expect((job.manifest as Obj).spec).toEqual(toPyTorchJob(spec, 'ns').spec);
  });

  test('the phase is the last condition type, like the State column', () => {
    const status = {
      conditions: [
        cond('Created', 'False'),
        cond('Running', 'False'),
        cond('Failed', 'True', '2026-01-01T00:09:00Z')
      ],
      startTime: '2026-01-01T00:00:30Z'
    };
    const job = jobFromObject(created({ status }));
    expect(job.phase).toBe('Failed');
    expect(job.started).toBe('2026-01-01T00:00:30Z');
    expect(job.finished).toBe('2026-01-01T00:09:00Z');
    expect(job.conditions[2]).toEqual({
      type: 'Failed',
      status: 'True',
      reason: 'PyTorchJobFailed',
      message: 'Failed',
      lastTransitionTime: '2026-01-01T00:09:00Z'
    });
    expect(
      jobFromObject(
        created({
          status: { conditions: [cond('Created'), cond('Restarting')] }
        })
      ).phase
    ).toBe('Restarting');
    expect(jobFromObject(created({ status: { conditions: [cond('Whatever')] } })).phase).toBe(
      'Unknown'
    );
  });

  test('TrainJob: Complete is Succeeded, Failed and Suspended as they are, otherwise Running once a pod runs', () => {
    const trainJob = (conditions: Obj[]) => ({
      ...toTrainJob(base('trainjob', { Node: { count: 1 } }, { runtimeRef: { name: 'rt' } }), 'ns'),
      status: { conditions }
    });
    expect(jobFromObject(trainJob([cond('Complete')])).phase).toBe('Succeeded');
    expect(jobFromObject(trainJob([cond('Failed')])).phase).toBe('Failed');
    expect(jobFromObject(trainJob([cond('Suspended')])).phase).toBe('Suspended');
    expect(jobFromObject(trainJob([cond('Suspended', 'False')])).phase).toBe('Created');
    const pod = {
      metadata: {
        name: 'p',
        labels: {
          'jobset.sigs.k8s.io/jobset-name': 'job',
          'jobset.sigs.k8s.io/replicatedjob-name': 'node',
          'jobset.sigs.k8s.io/job-index': '1'
        }
      },
      status: { phase: 'Running' }
    };
    const running = jobFromObject(trainJob([]), [pod]);
    expect(running.phase).toBe('Running');
    expect(running.replicas).toEqual([
      { name: 'node-1', role: 'Node', index: 1, phase: 'Running' }
    ]);
    expect(running.kind).toBe('TrainJob');
  });

  test('an annotation edited into nonsense leaves the job without a spec instead of failing', () => {
    const object = created();
    object.metadata.annotations = { [SPEC_ANNOTATION]: '{not json' };
    expect(jobFromObject(object).spec).toBeUndefined();
    expect(() => jobFromObject({ kind: 'Deployment' })).toThrow(/not a training job kind/);
  });

  test('replicas from pods, with why they are not running', () => {
    const pod = (type: string, index: number, status: Obj) => ({
      metadata: {
        name: `job-${type}-${index}`,
        labels: {
          'training.kubeflow.org/job-name': 'job',
          'training.kubeflow.org/replica-type': type,
          'training.kubeflow.org/replica-index': String(index)
        }
      },
      status
    });
    const container = (state: Obj, extra: Obj = {}) => ({
      containerStatuses: [{ name: 'pytorch', restartCount: 0, state, ...extra }]
    });
    const pods = [
      pod('worker', 3, {
        phase: 'Failed',
        ...container({ terminated: { reason: 'OOMKilled', exitCode: 137 } })
      }),
      pod('worker', 2, {
        phase: 'Running',
        ...container(
          { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
          {
            restartCount: 4,
            lastState: { terminated: { exitCode: 1, reason: 'Error' } }
          }
        )
      }),
      pod('worker', 1, {
        phase: 'Pending',
        ...container({
          waiting: {
            reason: 'ImagePullBackOff',
            message: 'Back-off pulling image "nope"'
          }
        })
      }),
      pod('master', 0, {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.'
          }
        ]
      }),
      pod('worker', 0, {
        phase: 'Failed',
        ...container({ terminated: { reason: 'Error', exitCode: 2 } })
      }),
      pod('worker', 4, {
        phase: 'Succeeded',
        ...container({ terminated: { reason: 'Completed', exitCode: 0 } })
      }),
      pod('worker', 5, {
        phase: 'Pending',
        ...container({ waiting: { reason: 'ContainerCreating' } })
      }),
      pod('worker', 6, { phase: 'Weird' })
    ];
    expect(jobFromObject(created(), pods).replicas).toEqual([
      {
        name: 'master-0',
        role: 'Master',
        index: 0,
        phase: 'Pending',
        reason: 'Unschedulable',
        message: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.'
      },
      {
        name: 'worker-0',
        role: 'Worker',
        index: 0,
        phase: 'Failed',
        restarts: 0,
        exitCode: 2,
        reason: 'ExitCode 2'
      },
      {
        name: 'worker-1',
        role: 'Worker',
        index: 1,
        phase: 'Pending',
        restarts: 0,
        reason: 'ImagePullBackOff',
        message: 'Back-off pulling image "nope"'
      },
      {
        name: 'worker-2',
        role: 'Worker',
        index: 2,
        phase: 'Running',
        restarts: 4,
        exitCode: 1,
        reason: 'CrashLoopBackOff',
        message: 'back-off 40s'
      },
      {
        name: 'worker-3',
        role: 'Worker',
        index: 3,
        phase: 'Failed',
        restarts: 0,
        exitCode: 137,
        reason: 'OOMKilled'
      },
      {
        name: 'worker-4',
        role: 'Worker',
        index: 4,
        phase: 'Succeeded',
        restarts: 0,
        exitCode: 0
      },
      {
        name: 'worker-5',
        role: 'Worker',
        index: 5,
        phase: 'Pending',
        restarts: 0
      },
      { name: 'worker-6', role: 'Worker', index: 6, phase: 'Unknown' }
    ]);
  });

  test('round trip: the spec read back from the object is the spec the object was made from', () => {
    for (const framework of ['tensorflow', 'mpi', 'xgboost', 'jax', 'paddle'] as Framework[]) {
      const roles = KIND_INFO[framework].roles;
      const s = base(framework, { [roles[0]]: { count: 1 } }, { env: { X: 'y' } });
      expect(jobFromObject(toKubeflowObject(s, 'ns')).spec).toEqual({
        ...s,
        namespace: 'ns'
      });
    }
  });
});

describe('MPIJob: only the launcher runs the program (issue 11, finding 1)', () => {
  const replicas = { Launcher: { count: 1 }, Worker: { count: 2 } };
  const source = { filename: 'train.py', content: 'print(1)' };

  test('workers get no command: the operator makes them sleep; the source is still mounted', () => {
    const object = toMPIJob(
      base('mpi', replicas, { command: ['mpirun', 'python'], source }),
      'ns'
    ) as Obj;
    const [launcher] = object.spec.mpiReplicaSpecs.Launcher.template.spec.containers;
    const [worker] = object.spec.mpiReplicaSpecs.Worker.template.spec.containers;
    expect(launcher.command).toEqual(['mpirun', 'python', `${SOURCE_MOUNT_PATH}/train.py`]);
    expect(worker.command).toBeUndefined();
    expect(worker.args).toBeUndefined();
    expect(worker.volumeMounts).toEqual(launcher.volumeMounts);
  });

  test('with packages, workers install them and then sleep as the operator would', () => {
    const object = toMPIJob(base('mpi', replicas, { packages: ['numpy==2.1'] }), 'ns') as Obj;
    const [worker] = object.spec.mpiReplicaSpecs.Worker.template.spec.containers;
    expect(worker.command).toEqual([
      'sh',
      '-c',
      'pip install --no-cache-dir numpy==2.1 && exec sleep 365d'
    ]);
  });

  test('other kinds keep the program on every role', () => {
    const object = toPyTorchJob(
      base('pytorch', { Master: { count: 1 }, Worker: { count: 1 } }),
      'ns'
    ) as Obj;
    expect(object.spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].command).toEqual([
      'python',
      'train.py'
    ]);
  });
});

describe('replica names (issue 11, finding 5)', () => {
  const pod = (labels: Record<string, string>, name = 'x') => ({ metadata: { name, labels } });
  test('the MPI launcher, which has a type and no index, is "launcher"', () => {
    const launcher = pod(
      { 'training.kubeflow.org/job-name': 'mpi', 'training.kubeflow.org/replica-type': 'launcher' },
      'mpi-launcher'
    );
    expect(replicaFromPod(launcher, ['Launcher', 'Worker'], 'mpi')).toMatchObject({
      name: 'launcher',
      role: 'Launcher'
    });
    const worker = pod({
      'training.kubeflow.org/replica-type': 'worker',
      'training.kubeflow.org/replica-index': '1'
    });
    expect(replicaFromPod(worker, ['Launcher', 'Worker'], 'mpi').name).toBe('worker-1');
  });
});

describe("the cluster's field errors point at the spec's fields (issue 11, finding 4)", () => {
  const spec = base(
    'pytorch',
    { Master: { count: 1 }, Worker: { count: 2 } },
    {
      env: { A: '1', B: '2' },
      volumes: [
        { claimName: 'a', mountPath: '/a' },
        { claimName: 'b', mountPath: '/a' }
      ],
      tolerations: [{ key: 'k', operator: 'Exists' }]
    }
  );
  const worker = '/spec/pytorchReplicaSpecs/Worker/template';
  test.each([
    [`${worker}/spec/containers/0/volumeMounts/1/mountPath`, '/volumes/1/mountPath'],
    [`${worker}/spec/containers/0/volumeMounts/2`, ''], // the source mount: no spec field
    [`${worker}/spec/containers/0/env/1/name`, '/env/B'],
    [`${worker}/spec/containers/0/resources/requests/cpu`, '/resources/cpu'],
    [`${worker}/spec/tolerations/0/value`, '/tolerations/0/value'],
    [`${worker}/spec/nodeSelector/..a~1b`, '/nodeSelector/..a~1b'],
    [`${worker}/metadata/labels`, '/labels'],
    ['/spec/pytorchReplicaSpecs/Worker/replicas', '/replicas/Worker/count'],
    ['/spec/runPolicy/backoffLimit', '/runPolicy/backoffLimit'],
    ['/metadata/name', '/name']
  ])('%s → %s', (cluster, field) => {
    expect(specFieldOf(spec, cluster)).toBe(field);
  });

  test('what has no spec field says plainly that the cluster refused it; "<nil>" is dropped', () => {
    expect(
      toSpecFields(spec, [
        {
          path: '/spec/pytorchReplicaSpecs/Worker/template/spec/containers/0/volumeMounts/2',
          message: 'bad'
        },
        { path: '/<nil>', message: 'some validation rules were not checked' },
        { path: '/spec/pytorchReplicaSpecs/Master/replicas', message: 'must be 1' }
      ])
    ).toEqual([
      {
        path: '',
        message:
          'the cluster refused /spec/pytorchReplicaSpecs/Worker/template/spec/containers/0/volumeMounts/2: bad'
      },
      { path: '/replicas/Master/count', message: 'must be 1' }
    ]);
  });
});

describe('TrainJob volumes, nodeSelector and tolerations through the Trainer version’s field (finding 6)', () => {
  const spec = base(
    'trainjob',
    { Node: { count: 2 } },
    {
      runtimeRef: { name: 'torch-distributed' },
      volumes: [{ claimName: 'data', mountPath: '/data', readOnly: true }],
      nodeSelector: { pool: 'gpu' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }]
    }
  );
  const podSpec = {
    volumes: [{ name: 'pvc-0', persistentVolumeClaim: { claimName: 'data', readOnly: true } }],
    containers: [
      { name: 'node', volumeMounts: [{ name: 'pvc-0', mountPath: '/data', readOnly: true }] }
    ],
    nodeSelector: { pool: 'gpu' },
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }]
  };

  test('v2.2+: runtimePatches on the runtime’s node job, and the annotation says so', () => {
    const object = toTrainJob(spec, 'ns', { trainJobOverride: 'runtimePatches' }) as Obj;
    expect(object.spec.runtimePatches).toEqual([
      {
        manager: 'kubeflow-workbench.io/proxy',
        trainingRuntimeSpec: {
          template: {
            spec: {
              replicatedJobs: [
                { name: 'node', template: { spec: { template: { spec: podSpec } } } }
              ]
            }
          }
        }
      }
    ]);
    expect(object.metadata.annotations['kubeflow-workbench.io/trainer-override-field']).toBe(
      'runtimePatches'
    );
  });

  test('v2.1: podTemplateOverrides', () => {
    const object = toTrainJob(spec, 'ns', { trainJobOverride: 'podTemplateOverrides' }) as Obj;
    expect(object.spec.podTemplateOverrides).toEqual([
      { targetJobs: [{ name: 'node' }], spec: podSpec }
    ]);
    expect(object.spec.runtimePatches).toBeUndefined();
  });

  test('the field is read from the CRD’s OpenAPI schema', () => {
    const schema = (props: Record<string, unknown>) => ({
      components: {
        schemas: {
          'io.kubeflow.trainer.v1alpha1.TrainJob': {
            'x-kubernetes-group-version-kind': [
              { group: 'trainer.kubeflow.org', kind: 'TrainJob', version: 'v1alpha1' }
            ],
            properties: { spec: { properties: props } }
          }
        }
      }
    });
    expect(overrideFieldOfSchema(schema({ runtimePatches: {} }))).toBe('runtimePatches');
    expect(overrideFieldOfSchema(schema({ podTemplateOverrides: {} }))).toBe(
      'podTemplateOverrides'
    );
    expect(overrideFieldOfSchema(schema({}))).toBeUndefined();
  });
});
