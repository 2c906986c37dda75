/**
 * StudySpec → Katib v1beta1 Experiment, pure. The trial's job comes from the training mappers (so a trial is
 * exactly the job the user would have launched), with three changes Katib needs:
 * - no metadata.name/namespace (Katib names each trial's job; its webhook refuses them);
 * - the source travels in an env var and is written to a file at start, like a TrainJob's, because a
 *   ConfigMap is outside the trialSpec and `${trialParameters.X}` in it would never be substituted;
 * - with source or packages, one `sh -c "<script>"` string without `exec` and without positional parameters: Katib's StdOut collector
 *   appends `1>metrics.log 2>&1 && echo completed > <pid file>` to the joined command, so `exec` would skip
 *   the completion mark and `"$@"` would receive nothing.
 * Every parameter also arrives as an env var (parameterEnvName), which also puts each trial parameter into
 * the template, as Katib's validator requires.
 */
import { DEFAULT_METRIC_FORMAT } from '../../../../../contract/metric-format';
import { IStudyParameter, IStudySpec } from '../../../../../contract/study';
import { parameterEnvName } from '../../../../../contract/study-rules';
import { Framework, ITrainingJobSpec } from '../../../../../contract/training';
import {
  IKindInfo,
  KIND_INFO,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  shellQuote,
  toKubeflowObject
} from '../mappers';
import { pipInstallScript } from '../mappers/launch-command';

export const KATIB = { group: 'kubeflow.org', version: 'v1beta1' };
export const EXPERIMENTS = { ...KATIB, plural: 'experiments' };
export const TRIALS = { ...KATIB, plural: 'trials' };
/** Holds the StudySpec an Experiment was created from (JSON), to show and clone it. */
export const STUDY_SPEC_ANNOTATION = 'kubeflow-workbench.io/study-spec';
/** Where a trial writes its source before running it (a trial cannot mount a per-study ConfigMap that
 * Katib would substitute). */
export const TRIAL_SOURCE_DIR = '/tmp/kubeflow-workbench/src';
export const TRIAL_SOURCE_ENV = 'KFWB_SOURCE';

/** Katib's defaults per trial kind (experiment_defaults.go, kubeflow-api.md §2.1). */
const KUBEFLOW_CONDITIONS = {
  successCondition: 'status.conditions.#(type=="Succeeded")#|#(status=="True")#',
  failureCondition: 'status.conditions.#(type=="Failed")#|#(status=="True")#'
};
const COMPLETE_CONDITIONS = {
  successCondition: 'status.conditions.#(type=="Complete")#|#(status=="True")#',
  failureCondition: 'status.conditions.#(type=="Failed")#|#(status=="True")#'
};

/** The pod the collector is injected into: the v1 operators label one pod `job-role: master`; a TrainJob's
 * first node is completion index 0 of replicated job `node`. */
function primaryPodLabelsOf(framework: Framework): Record<string, string> {
  return framework === 'trainjob'
    ? {
        'jobset.sigs.k8s.io/replicatedjob-name': 'node',
        'batch.kubernetes.io/job-completion-index': '0'
      }
    : { 'training.kubeflow.org/job-role': 'master' };
}

export function conditionsOf(framework: Framework): {
  successCondition: string;
  failureCondition: string;
} {
  return framework === 'trainjob' ? COMPLETE_CONDITIONS : KUBEFLOW_CONDITIONS;
}

/** The trial's job spec with source, packages and command folded into one shell string (see above). */
export function trialJobSpec(spec: IStudySpec): ITrainingJobSpec {
  const t = spec.trial;
  const env: Record<string, string> = { ...(t.env ?? {}) };
  for (const p of spec.parameters) {
    env[parameterEnvName(p.name)] = `\${trialParameters.${p.name}}`;
  }
  const steps: string[] = [];
  let program: string[] = [...(t.command ?? []), ...(t.args ?? [])];
  if (t.source) {
    const file = `${TRIAL_SOURCE_DIR}/${t.source.filename}`;
    env[TRIAL_SOURCE_ENV] = t.source.content;
    steps.push(
      `mkdir -p ${TRIAL_SOURCE_DIR}`,
      `printf '%s' "$${TRIAL_SOURCE_ENV}" > ${shellQuote(file)}`
    );
    const launcher = t.command && t.command.length > 0 ? t.command : ['python'];
    program = [...launcher, file, ...(t.args ?? [])];
  }
  if (t.packages && t.packages.length > 0) {
    steps.push(pipInstallScript(t.packages));
  }
  const { name, namespace, source, packages, command, args, ...rest } = t;
  void [name, namespace, source, packages, command, args];
  if (program.length === 0) {
    // The image's own entrypoint: nothing to fold.
    return { ...rest, env };
  }
  if (steps.length === 0) {
    // A plain command is kept as it is, like Katib's own examples (the collector joins it with spaces).
    return { ...rest, env, command: program };
  }
  const script = [...steps, program.map(shellQuote).join(' ')].join(' && ');
  return { ...rest, env, command: ['sh', '-c', script] };
}

function feasibleSpaceOf(p: IStudyParameter): Record<string, unknown> {
  const space: Record<string, unknown> = {};
  if (p.min !== undefined) {
    space.min = String(p.min);
  }
  if (p.max !== undefined) {
    space.max = String(p.max);
  }
  if (p.step !== undefined) {
    space.step = String(p.step);
  }
  if (p.list !== undefined) {
    space.list = p.list.map(String);
  }
  if (p.distribution !== undefined) {
    space.distribution = p.distribution;
  }
  return space;
}

function settingsList(
  settings: Record<string, string> | undefined
): { name: string; value: string }[] | undefined {
  const entries = Object.entries(settings ?? {});
  return entries.length > 0 ? entries.map(([name, value]) => ({ name, value })) : undefined;
}

function metricsCollectorSpecOf(spec: IStudySpec): Record<string, unknown> {
  const mc = spec.metricsCollector ?? { kind: 'StdOut' };
  const filter = mc.format !== undefined ? { filter: { metricsFormat: [mc.format] } } : {};
  if (mc.kind === 'File') {
    return {
      source: { fileSystemPath: { path: mc.path, kind: 'File', format: 'TEXT' }, ...filter },
      collector: { kind: 'File' }
    };
  }
  return { ...(mc.format !== undefined ? { source: filter } : {}), collector: { kind: 'StdOut' } };
}

export const ISTIO_INJECT = 'sidecar.istio.io/inject';

interface ITemplated {
  template: { metadata: { annotations?: Record<string, string> } };
}

/** The trial template's job: the training mapper's object without the names Katib sets. */
function trialSpecOf(spec: IStudySpec, info: IKindInfo): Record<string, unknown> {
  const job = toKubeflowObject({ ...trialJobSpec(spec), name: 'trial' }, 'trial');
  // An Istio sidecar keeps a finished trial's pod running, so Katib's collector would never report.
  const replicaSpecs = info.replicaSpecField
    ? (job.spec[info.replicaSpecField] as Record<string, ITemplated>)
    : {};
  for (const replica of Object.values(replicaSpecs)) {
    const metadata = replica.template.metadata;
    metadata.annotations = { ...(metadata.annotations ?? {}), [ISTIO_INJECT]: 'false' };
  }
  const labels = { ...job.metadata.labels, 'kubeflow-workbench.io/study': spec.name ?? '' };
  return {
    apiVersion: `${info.group}/${info.version}`,
    kind: info.kind,
    metadata: { labels },
    spec: job.spec
  };
}

export interface IExperimentObject {
  apiVersion: string;
  kind: 'Experiment';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  spec: Record<string, unknown>;
  [key: string]: unknown;
}

export function toKatibExperiment(spec: IStudySpec, namespace: string): IExperimentObject {
  if (!spec.name) {
    throw new Error('a study spec needs a name before it is mapped (routes generate one)');
  }
  const framework = spec.trial.framework;
  const info = KIND_INFO[framework];
  const o = spec.objective;
  const objective: Record<string, unknown> = { type: o.type, objectiveMetricName: o.metricName };
  if (o.goal !== undefined) {
    objective.goal = o.goal;
  }
  if (o.additionalMetricNames && o.additionalMetricNames.length > 0) {
    objective.additionalMetricNames = o.additionalMetricNames;
  }
  if (o.metricStrategies && o.metricStrategies.length > 0) {
    objective.metricStrategies = o.metricStrategies;
  }
  const algorithm: Record<string, unknown> = { algorithmName: spec.algorithm.name };
  const settings = settingsList(spec.algorithm.settings);
  if (settings) {
    algorithm.algorithmSettings = settings;
  }
  const experiment: Record<string, unknown> = {
    objective,
    algorithm,
    parallelTrialCount: spec.parallelTrialCount ?? 3,
    maxTrialCount: spec.maxTrialCount,
    ...(spec.maxFailedTrialCount !== undefined
      ? { maxFailedTrialCount: spec.maxFailedTrialCount }
      : {}),
    parameters: spec.parameters.map(p => ({
      name: p.name,
      parameterType: p.parameterType,
      feasibleSpace: feasibleSpaceOf(p)
    })),
    metricsCollectorSpec: metricsCollectorSpecOf(spec),
    resumePolicy: spec.resumePolicy ?? 'Never',
    trialTemplate: {
      // Trials' jobs and pods stay after the trial ends: their logs are what users look at first.
      retain: true,
      primaryContainerName: info.container,
      primaryPodLabels: primaryPodLabelsOf(framework),
      ...conditionsOf(framework),
      trialParameters: spec.parameters.map(p => ({
        name: p.name,
        description: `${p.parameterType} parameter ${p.name}`,
        reference: p.name
      })),
      trialSpec: trialSpecOf(spec, info)
    }
  };
  if (spec.earlyStopping) {
    const es: Record<string, unknown> = { algorithmName: spec.earlyStopping.name };
    const esSettings = settingsList(
      spec.earlyStopping.settings as Record<string, string> | undefined
    );
    if (esSettings) {
      es.algorithmSettings = esSettings;
    }
    experiment.earlyStopping = es;
  }
  const { sampleOutput, ...kept } = spec;
  void sampleOutput;
  return {
    apiVersion: `${KATIB.group}/${KATIB.version}`,
    kind: 'Experiment',
    metadata: {
      name: spec.name,
      namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY },
      annotations: { [STUDY_SPEC_ANNOTATION]: JSON.stringify({ ...kept, namespace }) }
    },
    spec: experiment
  };
}

/** The metric format the collector uses, hence the one the proxy parses live logs with. */
export function metricFormatOf(spec: IStudySpec): string {
  return spec.metricsCollector?.format ?? DEFAULT_METRIC_FORMAT;
}
