/**
 * One `IPipelinesBackend` for both kinds of runs: those on this machine (the local runner) and those on
 * Kubeflow Pipelines. Lists and the live stream merge both (the first snapshot waits for both); a run is
 * addressed by name and served by whoever owns it (local names are `<pipeline>-<5 chars>`, KFP names are run
 * ids); `createRun` with `backend: 'kfp'` submits to KFP.
 */
import { ResourceEvent } from '../../../../contract/live';
import { IArtifactPreview, IRerunRequest, IRun } from '../../../../contract/pipeline';
import {
  BackendError,
  IArtifactFile,
  ICreateRunInput,
  IPipelinesBackend,
  IStepLogOptions,
  ISubscription
} from '../types';
import { KfpRuns } from './kfp-runs';

type Side = 'local' | 'kfp';

export class CompositePipelines implements IPipelinesBackend {
  constructor(
    private readonly local: IPipelinesBackend & { close(): void },
    readonly kfp: KfpRuns
  ) {}

  createRun(namespace: string, input: ICreateRunInput): Promise<{ run: IRun; created: boolean }> {
    return input.backend === 'kfp'
      ? this.kfp.createRun(namespace, input)
      : this.local.createRun(namespace, input);
  }

  /** Which side has the run: the local runner answers at once from memory, KFP otherwise. */
  private async owner(namespace: string, name: string): Promise<{ side: Side; run: IRun }> {
    try {
      return { side: 'local', run: await this.local.get(namespace, name) };
    } catch (e) {
      if (!(e instanceof BackendError && e.code === 'not_found') || !(await this.kfp.connected())) {
        throw e;
      }
    }
    try {
      return { side: 'kfp', run: await this.kfp.get(namespace, name) };
    } catch (e) {
      if (e instanceof BackendError && (e.code === 'not_found' || e.code === 'invalid_spec')) {
        throw new BackendError(
          'not_found',
          `No run "${name}" in ${namespace} (neither on this machine nor on Kubeflow Pipelines).`
        );
      }
      throw e;
    }
  }

  async list(namespace: string): Promise<{ items: IRun[]; resourceVersion?: string }> {
    const [local, kfp] = await Promise.all([
      this.local.list(namespace),
      // KFP being down must not hide local runs; a refusal (403) is an answer the user needs.
      this.kfp.list(namespace).catch(e => {
        if (e instanceof BackendError && e.code === 'forbidden') {
          throw e;
        }
        return { items: [] as IRun[] };
      })
    ]);
    return { items: [...local.items, ...kfp.items] };
  }

  checkAccess(namespace: string): Promise<void> {
    return this.local.checkAccess(namespace);
  }

  async get(namespace: string, name: string): Promise<IRun> {
    return (await this.owner(namespace, name)).run;
  }

  async delete(namespace: string, name: string): Promise<void> {
    const { side } = await this.owner(namespace, name);
    await (side === 'kfp' ? this.kfp : this.local).delete(namespace, name);
  }

  async cancel(namespace: string, name: string): Promise<IRun> {
    const { side } = await this.owner(namespace, name);
    return (side === 'kfp' ? this.kfp : this.local).cancel(namespace, name);
  }

  async rerun(
    namespace: string,
    name: string,
    request: IRerunRequest & { name?: string }
  ): Promise<IRun> {
    const { side } = await this.owner(namespace, name);
    return (side === 'kfp' ? this.kfp : this.local).rerun(namespace, name, request);
  }

  private async kfpOnly(namespace: string, name: string, what: string): Promise<void> {
    const { side } = await this.owner(namespace, name);
    if (side !== 'kfp') {
      throw new BackendError(
        'invalid_spec',
        `Only runs on Kubeflow Pipelines can be ${what}; "${name}" ran on this machine.`
      );
    }
  }

  async retry(namespace: string, name: string): Promise<IRun> {
    await this.kfpOnly(namespace, name, 'retried in place (use Re-run)');
    return this.kfp.retry(namespace, name);
  }

  async archive(namespace: string, name: string, archived: boolean): Promise<IRun> {
    await this.kfpOnly(namespace, name, 'archived');
    return this.kfp.archive(namespace, name, archived);
  }

  async stepLogs(
    namespace: string,
    name: string,
    task: string,
    options: IStepLogOptions,
    sink: (chunk: string) => void
  ): Promise<void> {
    const { side } = await this.owner(namespace, name);
    return (side === 'kfp' ? this.kfp : this.local).stepLogs(namespace, name, task, options, sink);
  }

  async stepOutput(
    namespace: string,
    name: string,
    task: string,
    artifact: string
  ): Promise<IArtifactPreview> {
    const { side } = await this.owner(namespace, name);
    return side === 'kfp'
      ? this.kfp.stepOutput()
      : this.local.stepOutput(namespace, name, task, artifact);
  }

  async stepOutputFile(
    namespace: string,
    name: string,
    task: string,
    artifact: string
  ): Promise<IArtifactFile> {
    const { side } = await this.owner(namespace, name);
    return side === 'kfp'
      ? this.kfp.stepOutputFile()
      : this.local.stepOutputFile(namespace, name, task, artifact);
  }

  watch(namespace: string, onEvent: (event: ResourceEvent<IRun>) => void): ISubscription {
    return mergeWatches(onEvent, {
      local: handler => this.local.watch(namespace, handler),
      kfp: handler => this.kfp.watch(namespace, handler)
    });
  }

  close(): void {
    this.kfp.close();
    this.local.close();
  }
}

/**
 * Two live lists as one: each side's items are kept; a snapshot goes out once both sides sent theirs (and
 * again, merged, whenever one side re-snapshots); changes pass through once both are live.
 */
export function mergeWatches(
  onEvent: (event: ResourceEvent<IRun>) => void,
  sides: Record<Side, (handler: (event: ResourceEvent<IRun>) => void) => ISubscription>
): ISubscription {
  const items: Record<Side, Map<string, IRun> | undefined> = { local: undefined, kfp: undefined };
  const both = () => items.local !== undefined && items.kfp !== undefined;
  const handler = (side: Side) => (event: ResourceEvent<IRun>) => {
    if (event.type === 'snapshot') {
      items[side] = new Map(event.items.map(run => [run.name, run]));
      if (both()) {
        onEvent({ type: 'snapshot', items: [...items.local!.values(), ...items.kfp!.values()] });
      }
      return;
    }
    const map = items[side];
    if (!map) {
      return; // before this side's snapshot: it will carry the change
    }
    if (event.type === 'deleted') {
      map.delete(event.object.name);
    } else {
      map.set(event.object.name, event.object);
    }
    if (both()) {
      onEvent(event);
    }
  };
  const subscriptions = [sides.local(handler('local')), sides.kfp(handler('kfp'))];
  return { close: () => subscriptions.forEach(s => s.close()) };
}
