/** The training-job schema: every rule a client relies on, with the exact field path and message it shows. */
import { Framework, ITrainingJobSpec } from './training';
import {
  DEFAULT_TRAINING_IMAGE,
  generateJobName,
  TRAINING_JOB_SCHEMA,
  validateTrainingJobSpec
} from './training-schema';
import { validate } from './validate';

const DNS =
  "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit";
const JOB_NAME =
  "must be lower-case letters, digits and '-', start with a letter, end with a letter or digit, at most 48 characters";
/** The words a pattern failure is reported with: the schema's `x-message`, else Ajv's own. */
const patternOf = (schema: { pattern: string; 'x-message'?: string }) =>
  schema['x-message'] ?? `must match pattern "${schema.pattern}"`;
const props = TRAINING_JOB_SCHEMA.properties;

const MINIMAL: Record<Framework, ITrainingJobSpec> = {
  pytorch: {
    framework: 'pytorch',
    replicas: { Master: { count: 1 }, Worker: { count: 2 } }
  },
  tensorflow: {
    framework: 'tensorflow',
    replicas: {
      Chief: { count: 1 },
      PS: { count: 2 },
      Worker: { count: 4 },
      Evaluator: { count: 1 }
    }
  },
  mpi: {
    framework: 'mpi',
    replicas: { Launcher: { count: 1 }, Worker: { count: 2 } }
  },
  xgboost: {
    framework: 'xgboost',
    replicas: { Master: { count: 1 }, Worker: { count: 2 } }
  },
  jax: { framework: 'jax', replicas: { Worker: { count: 2 } } },
  paddle: {
    framework: 'paddle',
    replicas: { Master: { count: 1 }, Worker: { count: 1 } }
  },
  trainjob: {
    framework: 'trainjob',
    replicas: { Node: { count: 2 } },
    runtimeRef: { name: 'torch-distributed' }
  }
};

const torch = (extra: Record<string, unknown>) => ({
  ...MINIMAL.pytorch,
  ...extra
});

function fieldsOf(value: unknown) {
  const result = validateTrainingJobSpec(value);
  if (result.ok) {
    throw new Error('expected the spec to be invalid');
  }
  return result.fields;
}

describe('valid specs', () => {
  test.each(Object.keys(MINIMAL) as Framework[])(
    '%s: the minimal spec is valid and gets the default image',
    framework => {
      const input = MINIMAL[framework];
      const result = validateTrainingJobSpec(input);
      expect(result).toEqual({
        ok: true,
        value: { ...input, image: 'python:3.11-slim' }
      });
      expect(input).not.toHaveProperty('image'); // defaults go into a copy
    }
  );

  test('every field at once', () => {
    const spec: ITrainingJobSpec = {
      name: 'mnist-ddp',
      namespace: 'team-a',
      framework: 'pytorch',
      replicas: { Master: { count: 1 }, Worker: { count: 1000 } },
      image: 'ghcr.io/org/train:1.0@sha256:abc',
      command: ['torchrun', '--nproc-per-node=2'],
      args: ['--epochs', '3'],
      source: { filename: 'train_v2.py', content: 'print(1)\n' },
      env: { LR: '0.1', _X9: '' },
      resources: {
        cpu: '500m',
        memory: '1.5Gi',
        gpus: 2,
        gpuResource: 'amd.com/gpu'
      },
      volumes: [{ claimName: 'data', mountPath: '/data', readOnly: true }],
      nodeSelector: { 'cloud.google.com/gke-accelerator': 'nvidia-l4' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      runPolicy: {
        cleanPodPolicy: 'None',
        ttlSecondsAfterFinished: 0,
        backoffLimit: 3,
        activeDeadlineSeconds: 3600
      },
      packages: ['numpy==1.26.4', 'torch>=2.1,<3', 'transformers[torch]', 'scikit-learn ~= 1.5'],
      labels: { team: 'a', 'example.com/owner': '' }
    };
    expect(validateTrainingJobSpec(spec)).toEqual({ ok: true, value: spec });
  });

  test('the default image is the schema default', () => {
    expect(DEFAULT_TRAINING_IMAGE).toBe('python:3.11-slim');
    expect(validate(TRAINING_JOB_SCHEMA.$id, MINIMAL.jax).ok).toBe(true);
  });
});

describe('invalid specs: path and message', () => {
  test.each<[string, unknown, { path: string; message: string }[]]>([
    [
      'empty',
      {},
      [
        { path: '/framework', message: 'is required' },
        { path: '/replicas', message: 'is required' }
      ]
    ],
    [
      'unknown framework',
      { framework: 'caffe', replicas: { Worker: { count: 1 } } },
      [
        {
          path: '/framework',
          message: 'must be one of: pytorch, tensorflow, mpi, xgboost, jax, paddle, trainjob'
        }
      ]
    ],
    ['name with capitals', torch({ name: 'My_Job' }), [{ path: '/name', message: JOB_NAME }]],
    [
      'name of 49 characters',
      torch({ name: 'a'.repeat(49) }),
      [{ path: '/name', message: JOB_NAME }]
    ],
    [
      'namespace ending in a dash',
      torch({ namespace: 'team-' }),
      [{ path: '/namespace', message: DNS }]
    ],
    [
      'no replicas',
      { framework: 'jax', replicas: {} },
      [
        {
          path: '/replicas',
          message: 'add at least one replica (a role such as Worker with its count)'
        }
      ]
    ],
    [
      'zero workers',
      torch({ replicas: { Worker: { count: 0 } } }),
      [{ path: '/replicas/Worker/count', message: 'must be at least 1' }]
    ],
    [
      'fractional count',
      torch({ replicas: { Worker: { count: 1.5 } } }),
      [{ path: '/replicas/Worker/count', message: 'must be a whole number' }]
    ],
    [
      'too many replicas',
      torch({ replicas: { Worker: { count: 1001 } } }),
      [{ path: '/replicas/Worker/count', message: 'must be at most 1000' }]
    ],
    [
      'count missing',
      torch({ replicas: { Worker: {} } }),
      [{ path: '/replicas/Worker/count', message: 'is required' }]
    ],
    [
      'two PyTorch masters',
      torch({ replicas: { Master: { count: 2 } } }),
      [{ path: '/replicas/Master/count', message: 'must be at most 1' }]
    ],
    [
      'two TF chiefs',
      { framework: 'tensorflow', replicas: { Chief: { count: 2 } } },
      [{ path: '/replicas/Chief/count', message: 'must be at most 1' }]
    ],
    [
      'two MPI launchers',
      { framework: 'mpi', replicas: { Launcher: { count: 2 } } },
      [{ path: '/replicas/Launcher/count', message: 'must be at most 1' }]
    ],
    [
      'MPI without a launcher',
      { framework: 'mpi', replicas: { Worker: { count: 2 } } },
      [{ path: '/replicas/Launcher', message: 'is required' }]
    ],
    [
      'XGBoost without a master',
      { framework: 'xgboost', replicas: { Worker: { count: 2 } } },
      [{ path: '/replicas/Master', message: 'is required' }]
    ],
    [
      'TrainJob without runtimeRef',
      { framework: 'trainjob', replicas: { Node: { count: 1 } } },
      [{ path: '/runtimeRef', message: 'is required' }]
    ],
    [
      'TrainJob with volumes',
      { ...MINIMAL.trainjob, volumes: [{ claimName: 'd', mountPath: '/d' }] },
      [{ path: '/volumes', message: 'is not supported here' }]
    ],
    [
      'TrainJob with a node selector',
      { ...MINIMAL.trainjob, nodeSelector: { pool: 'a' } },
      [
        {
          path: '/nodeSelector',
          message: 'is not supported here'
        }
      ]
    ],
    [
      'env value not a string',
      torch({ env: { A: 1 } }),
      [{ path: '/env/A', message: 'must be a string' }]
    ],
    [
      'cpu in words',
      torch({ resources: { cpu: 'two' } }),
      [
        {
          path: '/resources/cpu',
          message: patternOf(props.resources.properties.cpu)
        }
      ]
    ],
    [
      'memory in GB',
      torch({ resources: { memory: '4GB' } }),
      [
        {
          path: '/resources/memory',
          message: patternOf(props.resources.properties.memory)
        }
      ]
    ],
    [
      'negative GPUs',
      torch({ resources: { gpus: -1 } }),
      [{ path: '/resources/gpus', message: 'must be at least 0' }]
    ],
    [
      'GPU resource without a vendor domain',
      torch({ resources: { gpus: 1, gpuResource: 'gpu' } }),
      [
        {
          path: '/resources/gpuResource',
          message: patternOf(props.resources.properties.gpuResource)
        }
      ]
    ],
    [
      'unknown resource',
      torch({ resources: { tpu: 1 } }),
      [{ path: '/resources/tpu', message: 'is not a known field' }]
    ],
    [
      'volume without mountPath',
      torch({ volumes: [{ claimName: 'data' }] }),
      [{ path: '/volumes/0/mountPath', message: 'is required' }]
    ],
    [
      'relative mountPath',
      torch({ volumes: [{ claimName: 'data', mountPath: 'data' }] }),
      [
        {
          path: '/volumes/0/mountPath',
          message: patternOf(props.volumes.items.properties.mountPath)
        }
      ]
    ],
    [
      'toleration operator',
      torch({ tolerations: [{ key: 'a', operator: 'In' }] }),
      [
        {
          path: '/tolerations/0/operator',
          message: 'must be one of: Exists, Equal'
        }
      ]
    ],
    [
      'cleanPodPolicy',
      torch({ runPolicy: { cleanPodPolicy: 'Always' } }),
      [
        {
          path: '/runPolicy/cleanPodPolicy',
          message: 'must be one of: All, Running, None'
        }
      ]
    ],
    [
      'negative ttl',
      torch({ runPolicy: { ttlSecondsAfterFinished: -1 } }),
      [{ path: '/runPolicy/ttlSecondsAfterFinished', message: 'must be at least 0' }]
    ],
    [
      'zero deadline',
      torch({ runPolicy: { activeDeadlineSeconds: 0 } }),
      [{ path: '/runPolicy/activeDeadlineSeconds', message: 'must be at least 1' }]
    ],
    [
      'a shell command as a package',
      torch({ command: ['python'], packages: ['numpy; rm -rf /'] }),
      [
        {
          path: '/packages/0',
          message: patternOf(props.packages.items)
        }
      ]
    ],
    [
      'packages with nothing to run',
      torch({ packages: ['numpy'] }),
      [
        { path: '/command', message: 'is required' },
        { path: '/source', message: 'is required' }
      ]
    ],
    [
      'a shell script as source',
      torch({ source: { filename: 'run.sh', content: '' } }),
      [
        {
          path: '/source/filename',
          message: patternOf(props.source.properties.filename)
        }
      ]
    ],
    [
      'a path as source filename',
      torch({ source: { filename: '../x.py', content: '' } }),
      [
        {
          path: '/source/filename',
          message: patternOf(props.source.properties.filename)
        }
      ]
    ],
    [
      'source without content',
      torch({ source: { filename: 'x.py' } }),
      [{ path: '/source/content', message: 'is required' }]
    ],
    [
      'image with a space',
      torch({ image: 'python 3' }),
      [{ path: '/image', message: patternOf(props.image) }]
    ],
    [
      'label value too long',
      torch({ labels: { team: 'a'.repeat(64) } }),
      [
        {
          path: '/labels/team',
          message: 'is too long: at most 63 characters'
        }
      ]
    ],
    [
      'runtimeRef kind',
      { ...MINIMAL.trainjob, runtimeRef: { name: 'rt', kind: 'Runtime' } },
      [
        {
          path: '/runtimeRef/kind',
          message: 'must be one of: ClusterTrainingRuntime, TrainingRuntime'
        }
      ]
    ],
    [
      'command as a string',
      torch({ command: 'python train.py' }),
      [{ path: '/command', message: 'must be an array' }]
    ],
    [
      'unknown top-level field',
      torch({ gpu: 1 }),
      [{ path: '/gpu', message: 'is not a known field' }]
    ]
  ])('%s', (_, spec, fields) => {
    expect(fieldsOf(spec)).toEqual(fields);
  });

  // Role names are checked with propertyNames: the message lists the roles the framework allows, at the role.
  test.each<[Framework, string, string]>([
    ['pytorch', 'Chief', 'Master, Worker'],
    ['tensorflow', 'Master', 'Chief, PS, Worker, Evaluator'],
    ['mpi', 'Master', 'Launcher, Worker'],
    ['xgboost', 'PS', 'Master, Worker'],
    ['paddle', 'Launcher', 'Master, Worker'],
    ['jax', 'Master', 'Worker'],
    ['trainjob', 'Worker', 'Node']
  ])('%s refuses the role %s', (framework, role, allowed) => {
    const spec = {
      ...MINIMAL[framework],
      replicas: { ...MINIMAL[framework].replicas, [role]: { count: 1 } }
    };
    expect(fieldsOf(spec)).toEqual([
      { path: `/replicas/${role}`, message: `must be one of: ${allowed}` }
    ]);
  });

  test('env names and TrainJob run policies are checked by name', () => {
    expect(fieldsOf(torch({ env: { 'MY-VAR': 'x' } }))).toContainEqual({
      path: '/env/MY-VAR',
      message: "must be a variable name: letters, digits and '_', not starting with a digit"
    });
    expect(fieldsOf({ ...MINIMAL.trainjob, runPolicy: { backoffLimit: 1 } })).toContainEqual({
      path: '/runPolicy/backoffLimit',
      message: 'must be one of: activeDeadlineSeconds'
    });
    expect(
      validateTrainingJobSpec({
        ...MINIMAL.trainjob,
        runPolicy: { activeDeadlineSeconds: 60 }
      }).ok
    ).toBe(true);
  });
});

describe('generateJobName', () => {
  test('framework and five random characters, a valid name', () => {
    const values = [0, 0.5, 0.999, 0.1, 0.3];
    let i = 0;
    expect(generateJobName({ framework: 'pytorch' }, () => values[i++])).toBe('pytorch-as9dk');
    for (const framework of Object.keys(MINIMAL) as Framework[]) {
      const name = generateJobName({ framework });
      expect(name).toMatch(new RegExp(`^${framework}-[a-z0-9]{5}$`));
      expect(validateTrainingJobSpec({ ...MINIMAL[framework], name }).ok).toBe(true);
    }
  });
});
