/**
 * Installs the upstream Kubeflow CRDs, read from the `manifests/` inside the Go module archives (fetched into
 * the Go module cache by `go mod download`, never hand-written), plus any test-only CRD in crds/*.yaml.
 */
import * as k8s from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinned } from '../operators/util';

/** Test-only CRDs (none upstream to take them from); each file says why it exists. */
const TEST_ONLY_CRD_DIR = join(__dirname, 'crds');

export interface IUpstreamCrdSource {
  module: string;
  version: string;
  /** Directory inside the module archive holding the CRD YAML files (kustomization.yaml is skipped). */
  dir: string;
  /** Only these files of `dir` (default: every YAML file there). */
  files?: string[];
}

/**
 * Trainer v2.3.0 is served by the module registry as `github.com/kubeflow/trainer/v2` (the v1.x line is the
 * training-operator module). No binary is built from it: TrainJobs are played by the tests.
 */
export const TRAINER_V2_VERSION = 'v2.3.0';

/**
 * The Argo Workflow CRD KFP 2.17 installs (its manifests take argo-workflows `manifests/base/crds/minimal` at
 * v4.0.5): `spec`/`status` preserve unknown fields and there is no status subresource, so status is written
 * with the object as Argo does. Only this YAML file is read from the module; no Argo code is built or run.
 */
export const ARGO_WORKFLOWS_VERSION = 'v4.0.5';

export function upstreamSources(): IUpstreamCrdSource[] {
  return [
    {
      module: 'github.com/kubeflow/training-operator',
      version: pinned('training-operator', 'github.com/kubeflow/training-operator'),
      dir: 'manifests/base/crds'
    },
    {
      module: 'github.com/kubeflow/trainer/v2',
      version: TRAINER_V2_VERSION,
      dir: 'manifests/base/crds'
    },
    {
      module: 'github.com/kubeflow/katib',
      version: pinned('katib-controller', 'github.com/kubeflow/katib'),
      dir: 'manifests/v1beta1/components/crd'
    },
    {
      module: 'github.com/argoproj/argo-workflows/v4',
      version: ARGO_WORKFLOWS_VERSION,
      dir: 'manifests/base/crds/minimal',
      files: ['argoproj.io_workflows.yaml']
    }
  ];
}

/** The module's extracted directory in the Go module cache, downloading the archive on first use. */
export function moduleDir(module: string, version: string): string {
  const out = execFileSync('go', ['mod', 'download', '-json', `${module}@${version}`], {
    encoding: 'utf8',
    cwd: tmpdir(), // outside any module: the project's go.mod files must not matter
    env: { ...process.env, GOFLAGS: '-mod=mod' }
  });
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!info.Dir || !existsSync(info.Dir)) {
    throw new Error(`go mod download ${module}@${version}: ${info.Error ?? 'no Dir'}`);
  }
  return info.Dir;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter(f => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort()
    .map(f => join(dir, f));
}

function load(file: string): k8s.V1CustomResourceDefinition[] {
  return (k8s.loadAllYaml(readFileSync(file, 'utf8')) as k8s.V1CustomResourceDefinition[]).filter(
    d => d?.kind === 'CustomResourceDefinition'
  );
}

export function crdDocuments(): k8s.V1CustomResourceDefinition[] {
  const upstream = upstreamSources().flatMap(s => {
    const dir = join(moduleDir(s.module, s.version), s.dir);
    return (s.files ? s.files.map(f => join(dir, f)) : yamlFiles(dir)).flatMap(load);
  });
  const testOnly = existsSync(TEST_ONLY_CRD_DIR) ? yamlFiles(TEST_ONLY_CRD_DIR).flatMap(load) : [];
  return [...upstream, ...testOnly];
}

/** Creates (or replaces) every CRD, then waits for all of them to be Established, i.e. served. */
export async function installCrds(
  kubeconfig: string | k8s.KubeConfig,
  timeoutMs = 60_000
): Promise<string[]> {
  const kc = typeof kubeconfig === 'string' ? fromFile(kubeconfig) : kubeconfig;
  const api = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const crds = crdDocuments();
  for (const body of crds) {
    try {
      await api.createCustomResourceDefinition({ body });
    } catch (e) {
      if ((e as { code?: number }).code !== 409) {
        throw e;
      }
      const name = body.metadata!.name!;
      const current = await api.readCustomResourceDefinition({ name });
      body.metadata!.resourceVersion = current.metadata!.resourceVersion;
      await api.replaceCustomResourceDefinition({ name, body });
    }
  }
  const deadline = Date.now() + timeoutMs;
  const objects = kc.makeApiClient(k8s.CustomObjectsApi);
  for (const crd of crds) {
    const name = crd.metadata!.name!;
    await until(`CRD ${name} Established`, deadline, async () => {
      const current = await api.readCustomResourceDefinition({ name });
      return !!current.status?.conditions?.some(
        c => c.type === 'Established' && c.status === 'True'
      );
    });
    // Established is not yet servable: until the new type's watch cache has synced, lists answer
    // 429 "storage is (re)initializing". Wait for a list to succeed so tests never see that.
    const { group, versions, names } = crd.spec;
    await until(`${name} listable`, deadline, () =>
      objects
        .listClusterCustomObject({
          group,
          version: versions.find(v => v.storage)!.name,
          plural: names.plural,
          limit: 1
        })
        .then(() => true)
    );
  }
  return crds.map(c => c.metadata!.name!);
}

async function until(what: string, deadline: number, check: () => Promise<boolean>): Promise<void> {
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) {
        return;
      }
    } catch (e) {
      last = e;
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`${what}: timed out${last ? ` (${String(last).split('\n')[0]})` : ''}`);
}

function fromFile(file: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(file);
  return kc;
}
