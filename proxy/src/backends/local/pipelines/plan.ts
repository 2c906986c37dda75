/**
 * A compiled IR → the steps the local runner executes: one per task of the root DAG, with its executor, its
 * upstream tasks (`dependentTasks` plus every producer its inputs read from) and what it reads. Everything the
 * runner cannot execute is reported here, before anything starts, with the task and the IR path named.
 */
import { IFieldError } from '../../../../../contract/errors';
import {
  durationSeconds,
  IComponentSpec,
  IContainerSpec,
  IPipelineIr,
  IRetryPolicy,
  ITaskSpec
} from './ir';

export interface IPlannedStep {
  /** The task's key in `root.dag.tasks`: unique, and the step's name everywhere. */
  task: string;
  component: string;
  executorLabel: string;
  container: IContainerSpec;
  spec: ITaskSpec;
  componentSpec: IComponentSpec;
  upstream: string[];
  cache: boolean;
  retry: {
    maxRetryCount: number;
    backoffSeconds: number;
    factor: number;
    maxBackoffSeconds: number;
  };
  /** From the platform spec's `activeDeadlineSeconds`, when the IR carries one. */
  timeoutSeconds?: number;
}

export interface IPlan {
  pipelineName: string;
  steps: IPlannedStep[];
  /** Pipeline parameters with their definitions (defaults and types). */
  parameters: NonNullable<IComponentSpec['inputDefinitions']>['parameters'];
}

/** `platforms.kubernetes.deploymentSpec.executors.<label>` of kfp's second YAML document, if sent. */
export interface IPlatformSpec {
  platforms?: {
    kubernetes?: {
      deploymentSpec?: { executors?: Record<string, { activeDeadlineSeconds?: number | string }> };
    };
  };
}

export class PlanError extends Error {
  constructor(readonly fields: IFieldError[]) {
    super(fields.map(f => `${f.path}: ${f.message}`).join('; '));
    this.name = 'PlanError';
  }
}

const esc = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

function retryOf(policy: IRetryPolicy | undefined): IPlannedStep['retry'] {
  return {
    maxRetryCount: Math.max(0, Math.floor(policy?.maxRetryCount ?? 0)),
    backoffSeconds: durationSeconds(policy?.backoffDuration) ?? 0,
    // kfp's defaults (`set_retry`, and kfp.local's task_executor since 2.17).
    factor: policy?.backoffFactor ?? 2,
    maxBackoffSeconds: durationSeconds(policy?.backoffMaxDuration) ?? 3600
  };
}

function upstreamOf(spec: ITaskSpec): string[] {
  const producers = [
    ...(spec.dependentTasks ?? []),
    ...Object.values(spec.inputs?.parameters ?? {}).flatMap(p =>
      p.taskOutputParameter ? [p.taskOutputParameter.producerTask] : []
    ),
    ...Object.values(spec.inputs?.parameters ?? {}).flatMap(p =>
      p.taskFinalStatus ? [p.taskFinalStatus.producerTask] : []
    ),
    ...Object.values(spec.inputs?.artifacts ?? {}).flatMap(a =>
      a.taskOutputArtifact ? [a.taskOutputArtifact.producerTask] : []
    )
  ];
  return [...new Set(producers)].sort();
}

/** Task names in an order where every task comes after its upstream tasks; throws on a cycle. */
export function topologicalOrder(upstream: Map<string, string[]>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (task: string, path: string[]) => {
    if (state.get(task) === 'done') {
      return;
    }
    if (state.get(task) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(task)), task].join(' → ');
      throw new PlanError([
        { path: '/root/dag/tasks', message: `the tasks form a cycle: ${cycle}` }
      ]);
    }
    state.set(task, 'visiting');
    for (const up of upstream.get(task) ?? []) {
      visit(up, [...path, task]);
    }
    state.set(task, 'done');
    order.push(task);
  };
  [...upstream.keys()].sort().forEach(task => visit(task, []));
  return order;
}

function planTask(
  ir: IPipelineIr,
  task: string,
  spec: ITaskSpec,
  platform: IPlatformSpec | undefined,
  errors: IFieldError[]
): IPlannedStep | undefined {
  const at = `/root/dag/tasks/${esc(task)}`;
  const fail = (path: string, message: string) => {
    errors.push({ path, message: `task "${task}": ${message}` });
    return undefined;
  };
  const component = spec.componentRef?.name;
  const componentSpec = component ? ir.components?.[component] : undefined;
  if (!componentSpec) {
    return fail(`${at}/componentRef/name`, `component "${component ?? ''}" is not in /components`);
  }
  if (componentSpec.dag) {
    return fail(
      `/components/${esc(component)}/dag`,
      'is a sub-DAG (a condition, loop or nested pipeline), which the local runner does not run yet'
    );
  }
  for (const field of ['parameterIterator', 'artifactIterator'] as const) {
    if (spec[field]) {
      return fail(`${at}/${field}`, 'loops (ParallelFor) are not run by the local runner yet');
    }
  }
  if (spec.triggerPolicy?.condition) {
    return fail(`${at}/triggerPolicy/condition`, 'conditions are not run by the local runner yet');
  }
  const label = componentSpec.executorLabel ?? '';
  const executor = ir.deploymentSpec?.executors?.[label];
  if (!executor) {
    return fail(
      `/components/${esc(component)}/executorLabel`,
      `executor "${label}" is not in /deploymentSpec/executors`
    );
  }
  if (!executor.container) {
    const kind = executor.importer
      ? 'an importer'
      : executor.resolver
        ? 'a resolver'
        : 'not a container';
    return fail(
      `/deploymentSpec/executors/${esc(label)}`,
      `is ${kind}; the local runner runs container executors only`
    );
  }
  const argv = [...(executor.container.command ?? []), ...(executor.container.args ?? [])];
  if (argv.length === 0) {
    return fail(
      `/deploymentSpec/executors/${esc(label)}/container`,
      'has neither command nor args'
    );
  }
  for (const [name, p] of Object.entries(spec.inputs?.parameters ?? {})) {
    const producer = p.taskOutputParameter?.producerTask ?? p.taskFinalStatus?.producerTask;
    if (producer && !ir.root?.dag?.tasks?.[producer]) {
      fail(
        `${at}/inputs/parameters/${esc(name)}`,
        `reads from task "${producer}", which does not exist`
      );
    }
  }
  for (const [name, a] of Object.entries(spec.inputs?.artifacts ?? {})) {
    const producer = a.taskOutputArtifact?.producerTask;
    if (producer && !ir.root?.dag?.tasks?.[producer]) {
      fail(
        `${at}/inputs/artifacts/${esc(name)}`,
        `reads from task "${producer}", which does not exist`
      );
    }
    if (a.componentInputArtifact) {
      fail(
        `${at}/inputs/artifacts/${esc(name)}`,
        'pipeline input artifacts are not supported locally'
      );
    }
  }
  for (const up of spec.dependentTasks ?? []) {
    if (!ir.root?.dag?.tasks?.[up]) {
      fail(`${at}/dependentTasks`, `depends on task "${up}", which does not exist`);
    }
  }
  const deadline =
    platform?.platforms?.kubernetes?.deploymentSpec?.executors?.[label]?.activeDeadlineSeconds;
  const timeoutSeconds = Number(deadline) > 0 ? Number(deadline) : undefined;
  return {
    task,
    component,
    executorLabel: label,
    container: executor.container,
    spec,
    componentSpec,
    upstream: upstreamOf(spec),
    // proto3: an absent `enableCache` is false (the SDK writes `enableCache: true` for cached tasks).
    cache: spec.cachingOptions?.enableCache === true,
    retry: retryOf(spec.retryPolicy),
    ...(timeoutSeconds ? { timeoutSeconds } : {})
  };
}

export function planRun(ir: IPipelineIr, platform?: IPlatformSpec): IPlan {
  const tasks = ir.root?.dag?.tasks;
  if (!tasks || Object.keys(tasks).length === 0) {
    throw new PlanError([{ path: '/root/dag/tasks', message: 'the pipeline has no tasks' }]);
  }
  const errors: IFieldError[] = [];
  const steps = Object.entries(tasks)
    .map(([task, spec]) => planTask(ir, task, spec, platform, errors))
    .filter((s): s is IPlannedStep => s !== undefined);
  if (errors.length > 0) {
    throw new PlanError(errors);
  }
  const order = topologicalOrder(new Map(steps.map(s => [s.task, s.upstream])));
  const byName = new Map(steps.map(s => [s.task, s]));
  return {
    pipelineName: ir.pipelineInfo?.name ?? 'pipeline',
    steps: order.map(task => byName.get(task) as IPlannedStep),
    parameters: ir.root?.inputDefinitions?.parameters ?? {}
  };
}
