/** In-memory studies for route tests: records what the routes asked, answers like a backend. */
import { ResourceEvent } from '../../contract/live';
import { IStudy, IStudyBudget, IStudySpec } from '../../contract/study';
import { BackendError, ILogOptions, IStudiesBackend } from '../src/backends/types';

export class FakeStudies implements IStudiesBackend {
  readonly byKey = new Map<string, IStudy>();
  readonly creates: IStudySpec[] = [];
  readonly budgets: IStudyBudget[] = [];

  private found(ns: string, name: string): IStudy {
    const study = this.byKey.get(`${ns}/${name}`);
    if (!study) {
      throw new BackendError('not_found', `No study "${name}" in namespace "${ns}".`);
    }
    return study;
  }

  async create(ns: string, spec: IStudySpec) {
    this.creates.push(spec);
    const existing = this.byKey.get(`${ns}/${spec.name}`);
    if (existing) {
      return { study: existing, created: false, warnings: [] };
    }
    const study: IStudy = {
      name: spec.name!,
      namespace: ns,
      created: '2026-01-01T00:00:00Z',
      backend: 'local',
      phase: 'Created',
      spec,
      counts: {
        pending: 0,
        running: 0,
        succeeded: 0,
        failed: 0,
        killed: 0,
        earlyStopped: 0,
        metricsUnavailable: 0
      },
      trials: [
        { name: `${spec.name}-t0`, index: 0, params: {}, phase: 'Running', metrics: {}, curve: [] }
      ]
    };
    this.byKey.set(`${ns}/${spec.name}`, study);
    return { study, created: true, warnings: [] };
  }
  async list(ns: string) {
    return { items: [...this.byKey.values()].filter(s => s.namespace === ns) };
  }
  async checkAccess() {}
  async get(ns: string, name: string) {
    return this.found(ns, name);
  }
  async delete(ns: string, name: string) {
    this.found(ns, name);
    this.byKey.delete(`${ns}/${name}`);
  }
  async stop(ns: string, name: string) {
    return { ...this.found(ns, name), phase: 'Stopped' as const };
  }
  async editBudget(ns: string, name: string, budget: IStudyBudget) {
    this.budgets.push(budget);
    return this.found(ns, name);
  }
  async trialLogs(
    _ns: string,
    _name: string,
    trial: string,
    _o: ILogOptions,
    sink: (c: string) => void
  ) {
    sink(`log of ${trial}\n`);
  }
  watch(ns: string, onEvent: (e: ResourceEvent<IStudy>) => void) {
    onEvent({ type: 'snapshot', items: [...this.byKey.values()].filter(s => s.namespace === ns) });
    return { close: () => undefined };
  }
}
