/**
 * The StudySpec → Katib Experiment mapper, field by field, against Katib v0.19.0's own examples
 * (examples/v1beta1/kubeflow-training-operator/pytorchjob-mnist.yaml, examples/v1beta1/hp-tuning/hyperband.yaml).
 */
import { IStudySpec } from '../../contract/study';
import { validateStudySpec } from '../../contract/study-schema';
import {
  STUDY_SPEC_ANNOTATION,
  toKatibExperiment,
  TRIAL_SOURCE_ENV,
  trialJobSpec
} from '../src/backends/kubernetes/studies/to-experiment';

/** pytorchjob-mnist.yaml as a StudySpec. */
const MNIST: IStudySpec = {
  name: 'pytorchjob-mnist',
  parallelTrialCount: 3,
  maxTrialCount: 12,
  maxFailedTrialCount: 3,
  objective: { type: 'minimize', goal: 0.001, metricName: 'loss' },
  algorithm: { name: 'random' },
  parameters: [
    { name: 'lr', parameterType: 'double', min: 0.01, max: 0.05 },
    { name: 'momentum', parameterType: 'double', min: 0.5, max: 0.9 }
  ],
  trial: {
    framework: 'pytorch',
    replicas: { Master: { count: 1 }, Worker: { count: 1 } },
    image: 'docker.io/kubeflowkatib/pytorch-mnist-cpu:v0.15.0',
    command: [
      'python3',
      '/opt/pytorch-mnist/mnist.py',
      '--epochs=1',
      '--batch-size=16',
      '--lr=${trialParameters.lr}',
      '--momentum=${trialParameters.momentum}'
    ]
  }
};

function valid(spec: IStudySpec): IStudySpec {
  const result = validateStudySpec(spec);
  if (!result.ok) {
    throw new Error(JSON.stringify(result.fields));
  }
  return result.value;
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('toKatibExperiment', () => {
  const experiment = toKatibExperiment(valid(MNIST), 'kubeflow') as Obj;
  const spec = experiment.spec;

  it('is a kubeflow.org/v1beta1 Experiment named after the study, with the spec kept', () => {
    expect(experiment.apiVersion).toBe('kubeflow.org/v1beta1');
    expect(experiment.kind).toBe('Experiment');
    expect(experiment.metadata.name).toBe('pytorchjob-mnist');
    expect(experiment.metadata.namespace).toBe('kubeflow');
    expect(experiment.metadata.labels['app.kubernetes.io/managed-by']).toBe('kubeflow-workbench');
    expect(JSON.parse(experiment.metadata.annotations[STUDY_SPEC_ANNOTATION]).name).toBe(
      'pytorchjob-mnist'
    );
  });

  it('maps the budget, objective and algorithm like the upstream example', () => {
    expect(spec.parallelTrialCount).toBe(3);
    expect(spec.maxTrialCount).toBe(12);
    expect(spec.maxFailedTrialCount).toBe(3);
    expect(spec.objective).toEqual({ type: 'minimize', goal: 0.001, objectiveMetricName: 'loss' });
    expect(spec.algorithm).toEqual({ algorithmName: 'random' });
    expect(spec.resumePolicy).toBe('Never');
  });

  it('writes feasible spaces as strings', () => {
    expect(spec.parameters).toEqual([
      { name: 'lr', parameterType: 'double', feasibleSpace: { min: '0.01', max: '0.05' } },
      { name: 'momentum', parameterType: 'double', feasibleSpace: { min: '0.5', max: '0.9' } }
    ]);
  });

  it('builds the trial template for a PyTorchJob', () => {
    const t = spec.trialTemplate;
    expect(t.primaryContainerName).toBe('pytorch');
    expect(t.primaryPodLabels).toEqual({ 'training.kubeflow.org/job-role': 'master' });
    expect(t.successCondition).toBe('status.conditions.#(type=="Succeeded")#|#(status=="True")#');
    expect(t.failureCondition).toBe('status.conditions.#(type=="Failed")#|#(status=="True")#');
    expect(t.retain).toBe(true);
    expect(t.trialParameters).toEqual([
      { name: 'lr', description: 'double parameter lr', reference: 'lr' },
      { name: 'momentum', description: 'double parameter momentum', reference: 'momentum' }
    ]);
    expect(t.trialSpec.apiVersion).toBe('kubeflow.org/v1');
    expect(t.trialSpec.kind).toBe('PyTorchJob');
    expect(t.trialSpec.metadata.name).toBeUndefined();
    expect(t.trialSpec.metadata.namespace).toBeUndefined();
    const replicas = t.trialSpec.spec.pytorchReplicaSpecs;
    expect(Object.keys(replicas)).toEqual(['Master', 'Worker']);
    expect(replicas.Master.replicas).toBe(1);
    expect(replicas.Master.restartPolicy).toBe('OnFailure');
    const container = replicas.Worker.template.spec.containers[0];
    expect(container.name).toBe('pytorch');
    expect(container.image).toBe('docker.io/kubeflowkatib/pytorch-mnist-cpu:v0.15.0');
    expect(container.command).toEqual(MNIST.trial.command);
    expect(container.env).toEqual([
      { name: 'LR', value: '${trialParameters.lr}' },
      { name: 'MOMENTUM', value: '${trialParameters.momentum}' }
    ]);
  });

  it('uses the default StdOut collector and a custom filter when given', () => {
    expect(spec.metricsCollectorSpec).toEqual({ collector: { kind: 'StdOut' } });
    const custom = toKatibExperiment(
      valid({ ...MNIST, metricsCollector: { kind: 'StdOut', format: '(\\w+):\\s*([\\d.]+)' } }),
      'ns'
    ) as Obj;
    expect(custom.spec.metricsCollectorSpec).toEqual({
      source: { filter: { metricsFormat: ['(\\w+):\\s*([\\d.]+)'] } },
      collector: { kind: 'StdOut' }
    });
    const file = toKatibExperiment(
      valid({ ...MNIST, metricsCollector: { kind: 'File', path: '/var/log/katib/metrics.log' } }),
      'ns'
    ) as Obj;
    expect(file.spec.metricsCollectorSpec).toEqual({
      source: {
        fileSystemPath: { path: '/var/log/katib/metrics.log', kind: 'File', format: 'TEXT' }
      },
      collector: { kind: 'File' }
    });
  });

  it('maps hyperband settings (as strings) and early stopping like the upstream examples', () => {
    const hyperband = toKatibExperiment(
      valid({
        ...MNIST,
        name: 'hyperband',
        parallelTrialCount: 2,
        maxTrialCount: 2,
        maxFailedTrialCount: 2,
        objective: {
          type: 'maximize',
          goal: 0.99,
          metricName: 'Validation-accuracy',
          additionalMetricNames: ['Train-accuracy']
        },
        algorithm: {
          name: 'hyperband',
          settings: { resource_name: 'num-epochs', eta: '2', r_l: '2' }
        },
        parameters: [
          { name: 'lr', parameterType: 'double', min: 0.01, max: 0.03 },
          { name: 'num-layers', parameterType: 'int', min: 2, max: 5 },
          { name: 'optimizer', parameterType: 'categorical', list: ['sgd', 'adam', 'ftrl'] },
          { name: 'num-epochs', parameterType: 'int', min: 1, max: 1 }
        ].map(p => (p.name === 'num-epochs' ? { ...p, max: 2 } : p)) as IStudySpec['parameters'],
        earlyStopping: {
          name: 'medianstop',
          settings: { min_trials_required: '2', start_step: '4' }
        },
        trial: { ...MNIST.trial, command: ['python3', 'mnist.py'] }
      }),
      'kubeflow'
    ) as Obj;
    expect(hyperband.spec.objective).toEqual({
      type: 'maximize',
      goal: 0.99,
      objectiveMetricName: 'Validation-accuracy',
      additionalMetricNames: ['Train-accuracy']
    });
    expect(hyperband.spec.algorithm).toEqual({
      algorithmName: 'hyperband',
      algorithmSettings: [
        { name: 'resource_name', value: 'num-epochs' },
        { name: 'eta', value: '2' },
        { name: 'r_l', value: '2' }
      ]
    });
    expect(hyperband.spec.parameters[2]).toEqual({
      name: 'optimizer',
      parameterType: 'categorical',
      feasibleSpace: { list: ['sgd', 'adam', 'ftrl'] }
    });
    expect(hyperband.spec.earlyStopping).toEqual({
      algorithmName: 'medianstop',
      algorithmSettings: [
        { name: 'min_trials_required', value: '2' },
        { name: 'start_step', value: '4' }
      ]
    });
    const env =
      hyperband.spec.trialTemplate.trialSpec.spec.pytorchReplicaSpecs.Master.template.spec
        .containers[0].env;
    expect(env).toContainEqual({ name: 'NUM_LAYERS', value: '${trialParameters.num-layers}' });
  });

  it('ships source in an env var and runs it through one shell string without exec', () => {
    const job = trialJobSpec(
      valid({
        ...MNIST,
        trial: {
          framework: 'pytorch',
          replicas: { Master: { count: 1 } },
          source: { filename: 'train.py', content: 'print("loss=${trialParameters.lr}")' },
          args: ['--lr=${trialParameters.lr}'],
          packages: ['numpy==2.1']
        },
        parameters: MNIST.parameters
      })
    );
    expect(job.source).toBeUndefined();
    expect(job.packages).toBeUndefined();
    expect(job.env?.[TRIAL_SOURCE_ENV]).toBe('print("loss=${trialParameters.lr}")');
    expect(job.command).toEqual([
      'sh',
      '-c',
      'mkdir -p /tmp/kubeflow-workbench/src && printf \'%s\' "$KFWB_SOURCE" > /tmp/kubeflow-workbench/src/train.py' +
        " && pip install --no-cache-dir numpy==2.1 && python /tmp/kubeflow-workbench/src/train.py '--lr=${trialParameters.lr}'"
    ]);
    expect(job.command?.[2]).not.toContain('exec');
  });

  it('gives a TrainJob trial the TrainJob conditions and primary pod', () => {
    const trainjob = toKatibExperiment(
      valid({
        ...MNIST,
        trial: {
          framework: 'trainjob',
          replicas: { Node: { count: 2 } },
          runtimeRef: { name: 'torch-distributed' },
          command: ['python', 'train.py', '--lr=${trialParameters.lr}']
        }
      }),
      'ns'
    ) as Obj;
    const t = trainjob.spec.trialTemplate;
    expect(t.trialSpec.kind).toBe('TrainJob');
    expect(t.primaryContainerName).toBe('node');
    expect(t.successCondition).toBe('status.conditions.#(type=="Complete")#|#(status=="True")#');
    expect(t.primaryPodLabels).toEqual({
      'jobset.sigs.k8s.io/replicatedjob-name': 'node',
      'batch.kubernetes.io/job-completion-index': '0'
    });
    expect(t.trialSpec.spec.trainer.numNodes).toBe(2);
  });
});
