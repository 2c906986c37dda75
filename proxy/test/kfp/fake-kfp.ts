/**
 * An in-memory KFP v2beta1 for unit tests: just the routes the workbench's submission uses, the shapes KFP
 * answers (snake_case, `google.rpc.Status` errors, the upload's v1 error shape, 409 on duplicate names) and a
 * record of every request. The faithful stand-in (test/kfp/standin.ts) is for integration tests.
 */
import { randomUUID } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import {
  IKfpExperiment,
  IKfpPipeline,
  IKfpPipelineVersion,
  IKfpRun
} from '../../src/backends/kfp/api-types';
import { IKfpHttpRequest, IKfpHttpResponse, IKfpTransport } from '../../src/backends/kfp/transport';

const V2 = '/apis/v2beta1';

const json = (status: number, body: unknown): IKfpHttpResponse => ({
  status,
  text: JSON.stringify(body)
});
const rpcError = (status: number, code: number, message: string) =>
  json(status, { code, message, details: [] });

/** The YAML file out of a multipart body (one `uploadfile` part). */
function uploadedYaml(body: string): Record<string, unknown> {
  const start = body.indexOf('\r\n\r\n') + 4;
  const end = body.lastIndexOf('\r\n--');
  const docs = parseAllDocuments(body.slice(start, end)).map(
    d => d.toJS() as Record<string, unknown>
  );
  // KFP keeps a platform spec next to the pipeline spec.
  return docs.length > 1 ? { pipeline_spec: docs[0], platform_spec: docs[1] } : docs[0];
}

export class FakeKfp implements IKfpTransport {
  readonly endpoint = 'http://fake-kfp:8888';
  readonly requests: IKfpHttpRequest[] = [];
  readonly pipelines: IKfpPipeline[] = [];
  readonly versions: IKfpPipelineVersion[] = [];
  readonly experiments: IKfpExperiment[] = [];
  readonly runs: IKfpRun[] = [];
  /** Makes the next run creation fail with this status and message. */
  failNextRun?: { status: number; message: string };
  multiUser = false;
  /** `executor-logs` and other artifacts by `<run id>/<node id>/<name>` (KFP >= 2.15 with PUBLISH_LOGS). */
  readonly artifacts = new Map<string, string>();

  async send(request: IKfpHttpRequest): Promise<IKfpHttpResponse> {
    this.requests.push(request);
    const path = request.path.startsWith(V2) ? request.path.slice(V2.length) : request.path;
    const q = request.query ?? {};
    const route = `${request.method} ${path.replace(/\/[0-9a-f-]{36}/g, '/{id}')}`;
    switch (route) {
      case 'GET /healthz':
        return json(200, { commit_sha: 'x', tag_name: '2.17.0', multi_user: this.multiUser });
      case 'POST /pipelines/upload':
        return this.upload(q.name ?? '', q.namespace, uploadedYaml(request.body ?? ''));
      case 'POST /pipelines/upload_version':
        return this.uploadVersion(
          q.pipelineid ?? '',
          q.name ?? '',
          uploadedYaml(request.body ?? '')
        );
      case 'GET /experiments':
        return json(200, {
          experiments: this.experiments.filter(e => !q.namespace || e.namespace === q.namespace)
        });
      case 'POST /experiments':
        return this.createExperiment(JSON.parse(request.body ?? '{}'));
      case 'GET /runs':
        return json(200, { runs: this.listRuns(q) });
      case 'POST /runs':
        return this.createRun(JSON.parse(request.body ?? '{}'));
    }
    const byName = /^\/pipelines\/names\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && byName) {
      const found = this.pipelines.find(
        p => p.name === decodeURIComponent(byName[1]) && p.namespace === q.namespace
      );
      return found ? json(200, found) : rpcError(404, 5, `Pipeline ${byName[1]} not found`);
    }
    const versions = /^\/pipelines\/([^/]+)\/versions$/.exec(path);
    if (request.method === 'GET' && versions) {
      return json(200, {
        pipeline_versions: this.versions.filter(v => v.pipeline_id === versions[1])
      });
    }
    const artifact = /^\/runs\/([^/]+)\/nodes\/([^/]+)\/artifacts\/([^/:]+):read$/.exec(path);
    if (request.method === 'GET' && artifact) {
      const data = this.artifacts.get(artifact.slice(1).map(decodeURIComponent).join('/'));
      return data === undefined
        ? rpcError(404, 5, 'artifact not found')
        : json(200, { data: Buffer.from(data).toString('base64') });
    }
    const run = /^\/runs\/([^/:]+)$/.exec(path);
    if (request.method === 'GET' && run) {
      const found = this.runs.find(r => r.run_id === run[1]);
      return found ? json(200, found) : rpcError(404, 5, `Run ${run[1]} not found`);
    }
    return rpcError(404, 5, `no route ${request.method} ${path}`);
  }

  private upload(
    name: string,
    namespace: string | undefined,
    spec: Record<string, unknown>
  ): IKfpHttpResponse {
    if (this.pipelines.some(p => p.name === name && p.namespace === namespace)) {
      return json(409, {
        error_message: `Failed to create a pipeline: name ${name} already exists`,
        error_details: ''
      });
    }
    const pipeline: IKfpPipeline = {
      pipeline_id: randomUUID(),
      name,
      display_name: name,
      ...(namespace ? { namespace } : {})
    };
    this.pipelines.push(pipeline);
    // Like KFP: the upload also makes the first version, named like the pipeline.
    this.versions.push({
      pipeline_id: pipeline.pipeline_id,
      pipeline_version_id: randomUUID(),
      name,
      display_name: name,
      pipeline_spec: spec
    });
    return json(200, pipeline);
  }

  private uploadVersion(
    pipelineId: string,
    name: string,
    spec: Record<string, unknown>
  ): IKfpHttpResponse {
    if (this.versions.some(v => v.pipeline_id === pipelineId && v.name === name)) {
      return json(409, { error_message: `version ${name} already exists`, error_details: '' });
    }
    const version = {
      pipeline_id: pipelineId,
      pipeline_version_id: randomUUID(),
      name,
      display_name: name,
      pipeline_spec: spec
    };
    this.versions.push(version);
    return json(200, version);
  }

  private createExperiment(body: IKfpExperiment): IKfpHttpResponse {
    if (
      this.experiments.some(
        e => e.display_name === body.display_name && e.namespace === body.namespace
      )
    ) {
      return rpcError(409, 6, 'experiment already exists');
    }
    const experiment = {
      ...body,
      experiment_id: randomUUID(),
      storage_state: 'AVAILABLE' as const
    };
    this.experiments.push(experiment);
    return json(200, experiment);
  }

  private listRuns(q: Record<string, string | undefined>): IKfpRun[] {
    const filter = q.filter ? JSON.parse(q.filter) : { predicates: [] };
    return this.runs.filter(
      r =>
        (!q.experiment_id || r.experiment_id === q.experiment_id) &&
        filter.predicates.every(
          (p: { key: string; string_value: string }) =>
            (r as Record<string, unknown>)[p.key] === p.string_value
        )
    );
  }

  private createRun(body: IKfpRun): IKfpHttpResponse {
    if (this.failNextRun) {
      const { status, message } = this.failNextRun;
      this.failNextRun = undefined;
      return rpcError(status, 3, message);
    }
    const run: IKfpRun = {
      ...body,
      run_id: randomUUID(),
      state: 'PENDING',
      created_at: new Date().toISOString(),
      storage_state: 'AVAILABLE'
    };
    this.runs.push(run);
    return json(200, run);
  }
}
