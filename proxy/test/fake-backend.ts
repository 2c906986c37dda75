/** An in-memory backend for route tests: behaves like a backend, records what routes asked of it. */
import { IJob, ITrainingJobSpec, JobStreamEvent } from '../../contract/training';
import { BackendError, IBackend, ILogOptions } from '../src/backends/types';
import { FakeStudies } from './fake-studies';
import { FakePipelines } from './pipelines/fake-pipelines';

export class FakeBackend implements IBackend {
  readonly kind = 'local' as const;
  readonly jobsByKey = new Map<string, IJob>();
  readonly watchers = new Set<(event: JobStreamEvent) => void>();
  closed = false;
  studies = new FakeStudies();
  readonly pipelines = new FakePipelines();

  info() {
    return {
      kind: 'local' as const,
      selected: 'local' as const,
      state: 'connected' as const,
      namespace: 'default'
    };
  }
  async namespaces() {
    return { items: [{ name: 'default' }, { name: 'team-a' }], default: 'default' };
  }
  async contexts() {
    return { items: [] };
  }
  async close() {
    this.closed = true;
  }

  private key(ns: string, name: string) {
    return `${ns}/${name}`;
  }

  private found(ns: string, name: string): IJob {
    const job = this.jobsByKey.get(this.key(ns, name));
    if (!job) {
      throw new BackendError('not_found', `No job "${name}" in namespace "${ns}".`);
    }
    return job;
  }

  private emit(event: JobStreamEvent) {
    this.watchers.forEach(w => w(event));
  }

  jobs = {
    create: async (ns: string, spec: ITrainingJobSpec) => {
      const existing = this.jobsByKey.get(this.key(ns, spec.name!));
      if (existing) {
        return { job: existing, created: false };
      }
      const job: IJob = {
        name: spec.name!,
        namespace: ns,
        framework: spec.framework,
        kind: 'PyTorchJob',
        backend: 'local',
        phase: 'Created',
        created: new Date().toISOString(),
        conditions: [],
        replicas: [],
        spec
      };
      this.jobsByKey.set(this.key(ns, job.name), job);
      this.emit({ type: 'added', object: job });
      return { job, created: true };
    },
    list: async (ns: string) => ({
      items: [...this.jobsByKey.values()].filter(j => j.namespace === ns)
    }),
    checkAccess: async (ns: string) => {
      if (ns === 'forbidden-ns') {
        throw new BackendError(
          'forbidden',
          `You may not list training jobs (pytorchjobs) in namespace "${ns}".`
        );
      }
    },
    get: async (ns: string, name: string) => this.found(ns, name),
    delete: async (ns: string, name: string) => {
      const job = this.found(ns, name);
      this.jobsByKey.delete(this.key(ns, name));
      this.emit({ type: 'deleted', object: { name: job.name, namespace: ns } });
    },
    events: async (ns: string, name: string) => {
      this.found(ns, name);
      return [{ type: 'Normal' as const, reason: 'Created', message: 'created', object: name }];
    },
    logs: async (ns: string, name: string, options: ILogOptions, sink: (chunk: string) => void) => {
      this.found(ns, name);
      const lines = ['[master-0] hello', '[worker-0] world'];
      sink(lines.slice(-(options.tail ?? lines.length)).join('\n') + '\n');
    },
    watch: (ns: string, onEvent: (event: JobStreamEvent) => void) => {
      onEvent({
        type: 'snapshot',
        items: [...this.jobsByKey.values()].filter(j => j.namespace === ns)
      });
      this.watchers.add(onEvent);
      return { close: () => this.watchers.delete(onEvent) };
    }
  };
}
