/**
 * The cluster's rules the schema cannot say (issue 11, findings 2, 3 and 6): each spec here passed our schema
 * before and was then refused by the real apiserver, the Pod API or the Trainer webhook.
 */
import { ITrainingJobSpec } from './training';
import { validateTrainingJobSpec } from './training-schema';
import { ANNOTATIONS_LIMIT_BYTES, SOURCE_MOUNT_PATH, TORCH_RUNTIME_ENV } from './training-rules';

const pytorch = (extra: Partial<ITrainingJobSpec> = {}): ITrainingJobSpec => ({
  framework: 'pytorch',
  replicas: { Master: { count: 1 }, Worker: { count: 1 } },
  command: ['python', 'train.py'],
  ...extra
});
const trainjob = (extra: Partial<ITrainingJobSpec> = {}): ITrainingJobSpec => ({
  framework: 'trainjob',
  replicas: { Node: { count: 2 } },
  runtimeRef: { name: 'torch-distributed' },
  command: ['python', 'train.py'],
  ...extra
});
const source = { filename: 'train.py', content: 'print(1)' };

function fieldsOf(spec: ITrainingJobSpec): Array<{ path: string; message: string }> {
  const result = validateTrainingJobSpec(spec);
  if (result.ok) {
    throw new Error('the spec was accepted');
  }
  return result.fields;
}

describe('specs the cluster refuses are refused here, at the spec field', () => {
  test('two volumes at one mount path (the apiserver: "must be unique")', () => {
    const fields = fieldsOf(
      pytorch({
        volumes: [
          { claimName: 'a', mountPath: '/data' },
          { claimName: 'b', mountPath: '/data/' }
        ]
      })
    );
    expect(fields).toEqual([
      {
        path: '/volumes/1/mountPath',
        message: expect.stringContaining('already the mount path of volume 1')
      }
    ]);
  });

  test("a volume mounted where the job's source is mounted", () => {
    const fields = fieldsOf(
      pytorch({ source, volumes: [{ claimName: 'a', mountPath: SOURCE_MOUNT_PATH }] })
    );
    expect(fields).toEqual([
      {
        path: '/volumes/0/mountPath',
        message: expect.stringContaining("where the job's source is mounted")
      }
    ]);
    expect(
      validateTrainingJobSpec(
        pytorch({ volumes: [{ claimName: 'a', mountPath: SOURCE_MOUNT_PATH }] })
      ).ok
    ).toBe(true);
  });

  test('a TrainJob with source and an env var named like the one carrying the source', () => {
    expect(fieldsOf(trainjob({ source, env: { KFWB_SOURCE: 'x' } }))).toEqual([
      { path: '/env/KFWB_SOURCE', message: expect.stringContaining("carries this job's source") }
    ]);
    expect(validateTrainingJobSpec(trainjob({ env: { KFWB_SOURCE: 'x' } })).ok).toBe(true);
  });

  test.each(TORCH_RUNTIME_ENV)(
    'a TrainJob setting %s (the torch runtime webhook refuses it)',
    name => {
      expect(fieldsOf(trainjob({ env: { [name]: '1' } }))).toEqual([
        { path: `/env/${name}`, message: expect.stringContaining('set by the TrainJob') }
      ]);
      expect(validateTrainingJobSpec(pytorch({ env: { [name]: '1' } })).ok).toBe(true);
    }
  );

  test('source over the annotation limit counted in bytes: 100,000 CJK characters pass the length, not this', () => {
    const cjk = '训'.repeat(100_000); // 3 bytes each in UTF-8
    expect(cjk.length).toBeLessThanOrEqual(100_000);
    const fields = fieldsOf(pytorch({ source: { filename: 'train.py', content: cjk } }));
    expect(fields).toEqual([
      { path: '/source/content', message: expect.stringContaining('too large') }
    ]);
    // The same number of ASCII characters fits.
    expect(
      validateTrainingJobSpec(
        pytorch({ source: { filename: 'train.py', content: 'a'.repeat(100_000) } })
      ).ok
    ).toBe(true);
  });

  test('env values that together overflow the annotation are reported at the largest', () => {
    const big = 'é'.repeat(20_000); // 40,000 bytes each
    const env = Object.fromEntries([...Array(6)].map((_, i) => [`V${i}`, big]));
    env.HUGE = 'é'.repeat(30_000);
    expect(JSON.stringify(env).length).toBeLessThan(ANNOTATIONS_LIMIT_BYTES);
    expect(fieldsOf(pytorch({ env }))).toEqual([
      { path: '/env/HUGE', message: expect.stringContaining('too large') }
    ]);
  });

  test.each([
    ['labels', 'a..b/team'],
    ['labels', '-x.io/team'],
    ['labels', 'Example.com/team'],
    ['nodeSelector', '..a/b'],
    ['nodeSelector', `${'a'.repeat(254)}/b`]
  ])('%s key %s: the prefix must be a DNS-1123 subdomain', (field, key) => {
    const fields = fieldsOf(pytorch({ [field]: { [key]: 'v' } }));
    expect(fields).toEqual([
      // JSON pointer: the key's `/` is escaped, so the path has exactly two segments.
      {
        path: `/${field}/${key.replace('/', '~1')}`,
        message: expect.stringContaining('must be a label key')
      }
    ]);
  });

  test('valid label keys still pass', () => {
    expect(
      validateTrainingJobSpec(pytorch({ labels: { 'example.com/team': 'a', team: 'b' } })).ok
    ).toBe(true);
  });
});

describe("tolerations follow the Pod API's rules", () => {
  test.each([
    [
      { key: 'gpu', operator: 'Exists' as const, value: 'x' },
      '/tolerations/0/value',
      'must be empty when the operator is Exists'
    ],
    [
      { operator: 'Equal' as const, value: 'x' },
      '/tolerations/0/operator',
      'must be Exists when the key is empty'
    ],
    [{ value: 'x' }, '/tolerations/0/operator', 'must be Exists when the key is empty'],
    [{ key: '..a/b', operator: 'Exists' as const }, '/tolerations/0/key', 'must be a label key'],
    [
      { key: 'gpu', operator: 'Equal' as const, value: 'a b' },
      '/tolerations/0/value',
      'must be a label value'
    ]
  ])('%j is refused', (toleration, path, message) => {
    expect(fieldsOf(pytorch({ tolerations: [toleration] }))).toEqual([
      { path, message: expect.stringContaining(message) }
    ]);
  });

  test('the usual ones pass', () => {
    const tolerations = [
      { operator: 'Exists' as const },
      { key: 'nvidia.com/gpu', operator: 'Exists' as const, effect: 'NoSchedule' as const },
      { key: 'dedicated', operator: 'Equal' as const, value: 'ml' }
    ];
    expect(validateTrainingJobSpec(pytorch({ tolerations })).ok).toBe(true);
  });
});
