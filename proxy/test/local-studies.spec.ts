/**
 * Local studies with real processes: a 12-trial TPE study on a small Python script reaches a best trial,
 * medianstop stops bad trials early, stop kills running trials, and a restarted proxy resumes a study.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IStudy, IStudySpec } from '../../contract/study';
import { validateStudySpec } from '../../contract/study-schema';
import { createLocalBackend } from '../src/backends/local';
import { IBackend } from '../src/backends/types';

const NS = 'team-a';
const stateDir = mkdtempSync(join(tmpdir(), 'kfwb-studies-'));
const open: IBackend[] = [];

async function backend(): Promise<IBackend> {
  const b = await createLocalBackend({ stateDir, orphanPollMs: 100, stopGraceMs: 500 });
  open.push(b);
  return b;
}

afterAll(async () => {
  for (const b of open) {
    for (const s of (await b.studies.list(NS).catch(() => ({ items: [] as IStudy[] }))).items) {
      await b.studies.delete(NS, s.name).catch(() => undefined);
    }
    await b.close();
  }
  rmSync(stateDir, { recursive: true, force: true });
});

/** A quadratic with its maximum at x=0.3, y=2, printed as an `epoch` curve that rises towards the score. */
const SCRIPT = `
import os, sys, time
x = float(os.environ["X"]); y = int(os.environ["Y"])
score = 1 - (x - 0.3) ** 2 - 0.05 * (y - 2) ** 2
steps = int(os.environ.get("STEPS", "3"))
for i in range(steps):
    print(f"epoch {i}: accuracy={score * (i + 1) / steps:.6f}", flush=True)
    time.sleep(float(os.environ.get("PAUSE", "0")))
`;

function spec(
  name: string,
  extra: Partial<IStudySpec> = {},
  env: Record<string, string> = {}
): IStudySpec {
  const s: IStudySpec = {
    name,
    objective: { metricName: 'accuracy', type: 'maximize' },
    parameters: [
      { name: 'x', parameterType: 'double', min: -1, max: 1 },
      { name: 'y', parameterType: 'int', min: 0, max: 4 }
    ],
    algorithm: { name: 'tpe' },
    maxTrialCount: 12,
    parallelTrialCount: 3,
    seed: 7,
    trial: {
      framework: 'pytorch',
      replicas: { Master: { count: 1 } },
      source: { filename: 'train.py', content: SCRIPT },
      env
    },
    ...extra
  };
  const result = validateStudySpec(s);
  if (!result.ok) {
    throw new Error(JSON.stringify(result.fields));
  }
  return result.value;
}

function until(
  b: IBackend,
  name: string,
  test: (s: IStudy) => boolean,
  what: string,
  ms = 90000
): Promise<IStudy> {
  return new Promise((resolve, reject) => {
    let last: IStudy | undefined;
    const timer = setTimeout(() => {
      sub.close();
      reject(
        new Error(
          `timed out waiting for ${name}: ${what}; last: ${JSON.stringify(last?.counts)} ${last?.phase}`
        )
      );
    }, ms);
    const sub = b.studies.watch(NS, event => {
      const items =
        event.type === 'snapshot' ? event.items : event.type === 'deleted' ? [] : [event.object];
      for (const s of items) {
        if (s.name === name) {
          last = s;
          if (test(s)) {
            clearTimeout(timer);
            setImmediate(() => sub.close());
            resolve(s);
          }
        }
      }
    });
  });
}

const done = (s: IStudy) => ['Succeeded', 'Failed', 'Stopped'].includes(s.phase);

describe('local studies', () => {
  it('runs 12 TPE trials as processes and finds a best trial', async () => {
    const b = await backend();
    const created = await b.studies.create(NS, spec('quad'));
    expect(created.created).toBe(true);
    const again = await b.studies.create(NS, spec('quad'));
    expect(again.created).toBe(false);
    const study = await until(b, 'quad', done, 'finished');
    expect(study.phase).toBe('Succeeded');
    expect(study.trials).toHaveLength(12);
    expect(study.counts.succeeded).toBe(12);
    expect(study.best).toBeDefined();
    const best = study.trials.find(t => t.name === study.best!.trial)!;
    expect(best.objective).toBe(Math.max(...study.trials.map(t => t.objective!)));
    // Curves are the parsed `accuracy=` series; parameters arrived as env vars.
    expect(best.curve).toHaveLength(3);
    const x = Number(best.params.x);
    const y = Number(best.params.y);
    expect(best.objective).toBeCloseTo(1 - (x - 0.3) ** 2 - 0.05 * (y - 2) ** 2, 5);
    // The YAML view shows the Experiment a cluster would get, marked as never sent.
    const manifest = study.manifest as {
      kind: string;
      metadata: { annotations: Record<string, string> };
    };
    expect(manifest.kind).toBe('Experiment');
    expect(manifest.metadata.annotations['kubeflow-workbench.io/local-backend']).toContain(
      'never sent'
    );
    let log = '';
    await b.studies.trialLogs(NS, 'quad', best.name, {}, chunk => (log += chunk));
    expect(log).toContain('accuracy=');
  });

  const ALGORITHMS: Record<string, Partial<IStudySpec>> = {
    random: { algorithm: { name: 'random' } },
    'multivariate-tpe': {
      algorithm: { name: 'multivariate-tpe', settings: { n_startup_trials: '2' } }
    },
    cmaes: { algorithm: { name: 'cmaes' } },
    hyperband: {
      algorithm: { name: 'hyperband', settings: { r_l: '3', eta: '3', resource_name: 'y' } },
      maxTrialCount: 9
    }
  };

  it.each(Object.keys(ALGORITHMS))('runs a %s study to its end', async algorithm => {
    const b = await backend();
    const name = `algo-${algorithm}`;
    await b.studies.create(
      NS,
      spec(name, { maxTrialCount: 6, parallelTrialCount: 3, ...ALGORITHMS[algorithm] })
    );
    const study = await until(b, name, done, `${algorithm} finished`);
    expect(study.phase).toBe('Succeeded');
    expect(study.trials.length).toBeGreaterThan(0);
    expect(study.trials.every(t => t.phase === 'Succeeded')).toBe(true);
    expect(study.best).toBeDefined();
    for (const t of study.trials) {
      expect(Number(t.params.x)).toBeGreaterThanOrEqual(-1);
      expect(Number(t.params.x)).toBeLessThanOrEqual(1);
      expect(Number.isInteger(Number(t.params.y))).toBe(true);
    }
  });

  it('refuses an algorithm the local backend does not have, listing what it has', async () => {
    const b = await backend();
    await expect(
      b.studies.create(NS, spec('sobol', { algorithm: { name: 'sobol' } }))
    ).rejects.toMatchObject({
      code: 'invalid_spec',
      fields: [
        {
          path: '/algorithm/name',
          message:
            'the local backend has random, grid, tpe, multivariate-tpe, cmaes, hyperband; "sobol" needs a cluster'
        }
      ]
    });
  });

  it('fails the study once more trials failed than maxFailedTrialCount allows', async () => {
    const b = await backend();
    const failing = spec('failing', {
      algorithm: { name: 'random' },
      maxTrialCount: 8,
      parallelTrialCount: 1,
      maxFailedTrialCount: 1
    });
    failing.trial = {
      ...failing.trial,
      source: { filename: 'train.py', content: 'import sys\nsys.exit(3)\n' }
    };
    await b.studies.create(NS, failing);
    const study = await until(b, 'failing', done, 'failed');
    expect(study.phase).toBe('Failed');
    expect(study.trials).toHaveLength(2);
    expect(study.counts.failed).toBe(2);
    expect(study.message).toBe('2 trials failed (maxFailedTrialCount 1)');
    expect(study.trials[0].reason).toBe('ExitCode 3');
  });

  it('runs a grid to the end, every combination once, and says a trial without the metric is MetricsUnavailable', async () => {
    const b = await backend();
    const grid = spec('grid', {
      algorithm: { name: 'grid' },
      parameters: [
        { name: 'x', parameterType: 'double', min: 0, max: 0.5, step: 0.25 },
        { name: 'y', parameterType: 'int', min: 1, max: 2 }
      ],
      maxTrialCount: 6,
      parallelTrialCount: 3
    });
    grid.trial = {
      ...grid.trial,
      source: {
        filename: 'train.py',
        content:
          'import os\nx = float(os.environ["X"])\nif x > 0.3:\n    print("no metric here")\nelse:\n    print(f"accuracy={x}")\n'
      }
    };
    await b.studies.create(NS, grid);
    const study = await until(b, 'grid', done, 'grid done');
    expect(study.phase).toBe('Succeeded');
    const points = study.trials.map(t => `${Number(t.params.x)}/${t.params.y}`).sort();
    expect(points).toEqual(['0.25/1', '0.25/2', '0.5/1', '0.5/2', '0/1', '0/2']);
    expect(study.counts).toMatchObject({ succeeded: 4, metricsUnavailable: 2 });
    const missing = study.trials.find(t => t.phase === 'MetricsUnavailable')!;
    expect(missing.message).toBe('the output never printed accuracy=<value>');
    expect(study.best?.objective).toBe(0.25);
  });

  it('stops bad trials early with medianstop', async () => {
    const b = await backend();
    const s = spec(
      'median',
      {
        algorithm: { name: 'random' },
        maxTrialCount: 10,
        parallelTrialCount: 1,
        earlyStopping: {
          name: 'medianstop',
          settings: { min_trials_required: '2', start_step: '2' }
        }
      },
      { STEPS: '30', PAUSE: '0.05' }
    );
    await b.studies.create(NS, s);
    const study = await until(b, 'median', done, 'finished', 120000);
    expect(study.counts.earlyStopped).toBeGreaterThan(0);
    const stopped = study.trials.find(t => t.phase === 'EarlyStopped')!;
    expect(stopped.message).toContain('medianstop');
    expect(stopped.curve.length).toBeLessThan(30);
  });

  it('stop kills running trials and creates no more', async () => {
    const b = await backend();
    await b.studies.create(
      NS,
      spec('stopme', { maxTrialCount: 6, parallelTrialCount: 2 }, { STEPS: '1000', PAUSE: '0.05' })
    );
    await until(b, 'stopme', s => s.counts.running === 2, 'two running');
    await b.studies.stop(NS, 'stopme');
    const study = await until(b, 'stopme', done, 'stopped');
    expect(study.phase).toBe('Stopped');
    expect(study.trials).toHaveLength(2);
    expect(study.trials.every(t => t.phase === 'Killed')).toBe(true);
  });

  it('a trial whose job is deleted from the jobs list ends Killed and the study goes on', async () => {
    const b = await backend();
    await b.studies.create(
      NS,
      spec('orphan', { maxTrialCount: 3, parallelTrialCount: 1 }, { STEPS: '1000', PAUSE: '0.05' })
    );
    const running = await until(b, 'orphan', s => s.counts.running === 1, 'one running');
    await b.jobs.delete(NS, running.trials[0].name);
    const study = await until(
      b,
      'orphan',
      s => s.trials[0]?.phase === 'Killed',
      'the first trial killed'
    );
    expect(study.trials[0].message).toBe('its job was deleted');
    await b.studies.stop(NS, 'orphan');
  });

  it('creates the job of a trial saved just before the proxy stopped', async () => {
    // What the store holds when the proxy stopped between saving trial 0 and creating its job.
    const s = { ...spec('crashed', { maxTrialCount: 1, parallelTrialCount: 1 }), namespace: NS };
    mkdirSync(join(stateDir, 'studies', NS), { recursive: true });
    writeFileSync(
      join(stateDir, 'studies', NS, 'crashed.json'),
      JSON.stringify({
        spec: s,
        created: '2026-11-30T05:00:00.000Z',
        trials: [
          {
            name: 'crashed-t0',
            index: 0,
            params: { x: '0.3', y: '2' },
            created: '2026-11-30T05:00:00.000Z'
          }
        ]
      })
    );
    const b = await backend();
    const study = await until(b, 'crashed', done, 'the saved trial run');
    expect(study.phase).toBe('Succeeded');
    expect(study.trials).toHaveLength(1);
    expect(study.trials[0]).toMatchObject({ name: 'crashed-t0', phase: 'Succeeded', objective: 1 });
  });

  it('resumes a study after a proxy restart', async () => {
    const first = await backend();
    await first.studies.create(
      NS,
      spec('resume', { maxTrialCount: 6, parallelTrialCount: 2 }, { STEPS: '20', PAUSE: '0.05' })
    );
    const before = await until(first, 'resume', s => s.counts.running === 2, 'two trials running');
    await first.close();
    open.splice(open.indexOf(first), 1);
    const second = await backend();
    const study = await until(second, 'resume', done, 'finished after restart', 120000);
    expect(study.trials).toHaveLength(6);
    expect(study.trials.map(t => t.index)).toEqual([0, 1, 2, 3, 4, 5]);
    // The trials that ran across the restart are the same trials (no duplicate, same parameters), with curves.
    expect(study.trials.slice(0, 2).map(t => t.params)).toEqual(
      before.trials.slice(0, 2).map(t => t.params)
    );
    expect(study.trials.every(t => t.phase === 'Succeeded' && t.curve.length === 20)).toBe(true);
    expect(study.best).toBeDefined();
  });
});
