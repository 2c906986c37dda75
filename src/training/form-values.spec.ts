import { validateTrainingJobSpec } from '../../contract/training-schema';
import {
  emptyValues,
  fieldOfPath,
  fromSpec,
  joinCommand,
  rerunName,
  splitCommand,
  toSpec
} from './form-values';

describe('splitCommand', () => {
  it.each([
    ['python train.py --lr 0.1', ['python', 'train.py', '--lr', '0.1']],
    ['  torchrun   "my script.py"  ', ['torchrun', 'my script.py']],
    [`echo 'a "b" c' d\\ e`, ['echo', 'a "b" c', 'd e']],
    [`say ""`, ['say', '']],
    ['', []]
  ])('%j', (line, words) => {
    expect(splitCommand(line)).toEqual(words);
    expect(splitCommand(joinCommand(words))).toEqual(words);
  });
});

describe('toSpec / fromSpec', () => {
  it('builds a valid spec from a filled form and reads it back', () => {
    const values = {
      ...emptyValues('pytorch'),
      name: 'mnist',
      image: 'pytorch/pytorch:2.4',
      command: 'torchrun train.py',
      counts: { Master: '1', Worker: '3' },
      env: 'LR=0.1\nEPOCHS = 3',
      cpu: '2',
      memory: '4Gi',
      gpus: '1',
      gpuResource: 'amd.com/gpu',
      packages: 'numpy>=1.26, torchvision',
      nodeSelector: 'pool=gpu',
      backoffLimit: '2'
    };
    const spec = toSpec(values);
    expect(spec).toEqual({
      framework: 'pytorch',
      name: 'mnist',
      image: 'pytorch/pytorch:2.4',
      command: ['torchrun', 'train.py'],
      replicas: { Master: { count: 1 }, Worker: { count: 3 } },
      env: { LR: '0.1', EPOCHS: '3' },
      resources: { cpu: '2', memory: '4Gi', gpus: 1, gpuResource: 'amd.com/gpu' },
      packages: ['numpy>=1.26', 'torchvision'],
      nodeSelector: { pool: 'gpu' },
      runPolicy: { backoffLimit: 2 }
    });
    expect(validateTrainingJobSpec(spec).ok).toBe(true);
    expect(toSpec(fromSpec(spec))).toEqual(spec);
  });

  it('leaves out roles with count 0 and keeps bad numbers for the validator', () => {
    const spec = toSpec({
      ...emptyValues('tensorflow'),
      cpu: 'lots',
      counts: { Chief: '1', PS: '0', Worker: 'x' }
    });
    expect(spec.replicas).toEqual({ Chief: { count: 1 }, Worker: { count: 'x' } });
    const result = validateTrainingJobSpec(spec);
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.fields.map(f => f.path);
    expect(paths).toEqual(expect.arrayContaining(['/replicas/Worker/count', '/resources/cpu']));
  });

  it('gives a TrainJob its runtime and no pod-level fields', () => {
    const spec = toSpec({
      ...emptyValues('trainjob'),
      runtimeName: 'torch-distributed',
      nodeSelector: 'a=b'
    });
    expect(spec).toEqual({
      framework: 'trainjob',
      replicas: { Node: { count: 1 } },
      runtimeRef: { name: 'torch-distributed' }
    });
  });
});

describe('fieldOfPath', () => {
  it.each([
    ['/name', 'name'],
    ['/replicas/Worker/count', 'replicas.Worker'],
    ['/replicas', 'replicas'],
    ['/resources/cpu', 'cpu'],
    ['/runPolicy/backoffLimit', 'backoffLimit'],
    ['/env/1BAD', 'env'],
    ['/runtimeRef/name', 'runtimeName'],
    ['/', 'form']
  ])('%s → %s', (path, field) => expect(fieldOfPath(path)).toBe(field));
});

describe('rerunName', () => {
  it('replaces an earlier re-run suffix and stays a valid name', () => {
    expect(rerunName('mnist', () => 0)).toBe('mnist-raaaa');
    expect(rerunName('mnist-rabcd', () => 0)).toBe('mnist-raaaa');
    const long = rerunName('a'.repeat(48), () => 0.99);
    expect(long.length).toBeLessThanOrEqual(48);
    expect(
      validateTrainingJobSpec({ name: long, framework: 'jax', replicas: { Worker: { count: 1 } } })
        .ok
    ).toBe(true);
  });
});
