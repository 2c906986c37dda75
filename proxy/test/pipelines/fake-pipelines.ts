/** An in-memory `IPipelinesBackend` for route tests: records what routes asked of it, answers like a backend. */
import { ResourceEvent } from '../../../contract/live';
import { IArtifactPreview, IRun } from '../../../contract/pipeline';
import {
  BackendError,
  ICreateRunInput,
  IPipelinesBackend,
  IStepLogOptions
} from '../../src/backends/types';

export class FakePipelines implements IPipelinesBackend {
  readonly runs = new Map<string, IRun>();
  readonly created: { namespace: string; input: ICreateRunInput }[] = [];
  readonly calls: string[] = [];
  private readonly watchers = new Set<(e: ResourceEvent<IRun>) => void>();

  private found(ns: string, name: string): IRun {
    const run = this.runs.get(`${ns}/${name}`);
    if (!run) {
      throw new BackendError('not_found', `No pipeline run "${name}" in namespace "${ns}".`);
    }
    return run;
  }

  async createRun(namespace: string, input: ICreateRunInput) {
    this.created.push({ namespace, input });
    const name = input.name ?? 'run-1';
    const existing = this.runs.get(`${namespace}/${name}`);
    if (existing) {
      return { run: existing, created: false };
    }
    const tasks = Object.keys(
      ((input.ir.root as { dag?: { tasks?: object } })?.dag?.tasks ?? {}) as object
    );
    const run: IRun = {
      name,
      namespace,
      created: new Date().toISOString(),
      version: '1',
      phase: 'Pending',
      backend: 'local',
      pipelineName: String((input.ir.pipelineInfo as { name?: string })?.name ?? 'p'),
      parameters: input.parameters ?? {},
      steps: tasks.map(task => ({
        task,
        label: task,
        phase: 'Pending',
        outputs: { parameters: {}, artifacts: [] }
      }))
    };
    this.runs.set(`${namespace}/${name}`, run);
    this.watchers.forEach(w => w({ type: 'added', object: run }));
    return { run, created: true };
  }
  async list(ns: string) {
    return { items: [...this.runs.values()].filter(r => r.namespace === ns) };
  }
  async checkAccess() {}
  async get(ns: string, name: string) {
    return this.found(ns, name);
  }
  async delete(ns: string, name: string) {
    this.found(ns, name);
    this.runs.delete(`${ns}/${name}`);
    this.watchers.forEach(w => w({ type: 'deleted', object: { name, namespace: ns } }));
  }
  async cancel(ns: string, name: string) {
    this.calls.push(`cancel ${name}`);
    const run = { ...this.found(ns, name), phase: 'Cancelled' as const };
    this.runs.set(`${ns}/${name}`, run);
    return run;
  }
  async rerun(
    ns: string,
    name: string,
    request: { fromTask?: string; onlyTask?: string; name?: string }
  ) {
    this.calls.push(`rerun ${name} ${JSON.stringify(request)}`);
    const source = this.found(ns, name);
    const run = { ...source, name: request.name ?? `${name}-again`, rerunOf: name };
    this.runs.set(`${ns}/${run.name}`, run);
    return run;
  }
  watch(ns: string, onEvent: (e: ResourceEvent<IRun>) => void) {
    onEvent({ type: 'snapshot', items: [...this.runs.values()].filter(r => r.namespace === ns) });
    this.watchers.add(onEvent);
    return { close: () => this.watchers.delete(onEvent) };
  }
  async stepLogs(
    ns: string,
    name: string,
    task: string,
    options: IStepLogOptions,
    sink: (c: string) => void
  ) {
    this.found(ns, name);
    const lines = [`${task} line 1`, `${task} line 2`];
    sink(lines.slice(-(options.tail || lines.length)).join('\n') + '\n');
  }
  async stepOutput(
    ns: string,
    name: string,
    task: string,
    artifact: string
  ): Promise<IArtifactPreview> {
    this.found(ns, name);
    return {
      artifact: { name: artifact, uri: `/x/${task}/${artifact}`, schemaTitle: 'system.Dataset' },
      kind: 'text',
      text: 'hello',
      truncated: false
    };
  }
  async stepOutputFile(): Promise<never> {
    throw new BackendError('not_found', 'no files in the fake');
  }
}
