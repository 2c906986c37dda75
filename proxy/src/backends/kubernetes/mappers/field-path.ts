/**
 * A field error of the cluster (a JSON pointer into the object we generated, e.g.
 * `/spec/pytorchReplicaSpecs/Worker/template/spec/containers/0/volumeMounts/1/mountPath`) → the spec field the
 * user wrote (`/volumes/1/mountPath`), so a 400 points into the request body as the contract says. What has no
 * spec field (or the apiserver's "<nil>") gets the path "" and the message says that the cluster refused it.
 */
import { IFieldError } from '../../../../../contract/errors';
import { ITrainingJobSpec } from '../../../../../contract/training';
import { KIND_INFO } from './kind-info';

type Rule = [RegExp, (m: RegExpMatchArray) => string];

function rulesFor(spec: ITrainingJobSpec): Rule[] {
  const replicaField = KIND_INFO[spec.framework].replicaSpecField;
  const pod = `^/spec/${replicaField}/([^/]+)/template`;
  const container = `${pod}/spec/containers/\\d+`;
  const pvc = (i: string) => (Number(i) < (spec.volumes?.length ?? 0) ? `/volumes/${i}` : '');
  return [
    [new RegExp(`^/spec/${replicaField}/([^/]+)/replicas$`), m => `/replicas/${m[1]}/count`],
    [
      new RegExp(`${container}/volumeMounts/(\\d+)/mountPath$`),
      m => pvc(m[2]) && `${pvc(m[2])}/mountPath`
    ],
    [new RegExp(`${container}/volumeMounts/(\\d+)`), m => pvc(m[2])],
    [
      new RegExp(`${pod}/spec/volumes/(\\d+)/persistentVolumeClaim/claimName$`),
      m => pvc(m[2]) && `${pvc(m[2])}/claimName`
    ],
    [new RegExp(`${pod}/spec/volumes/(\\d+)`), m => pvc(m[2])],
    [new RegExp(`${container}/env/(\\d+)`), m => envPath(spec, Number(m[2]))],
    [
      new RegExp(`${container}/resources/(?:requests|limits)/(cpu|memory)`),
      m => `/resources/${m[2]}`
    ],
    [new RegExp(`${container}/resources`), () => '/resources/gpus'],
    [new RegExp(`${container}/image$`), () => '/image'],
    [new RegExp(`${container}/(command|args)`), m => `/${m[2]}`],
    [new RegExp(`${pod}/spec/nodeSelector(/.*)?$`), m => `/nodeSelector${m[2] ?? ''}`],
    [
      new RegExp(`${pod}/spec/tolerations(/\\d+)?(/\\w+)?`),
      m => `/tolerations${m[2] ?? ''}${m[3] ?? ''}`
    ],
    [new RegExp(`(?:${pod})?/metadata/labels(/.*)?$`), m => `/labels${m[m.length - 1] ?? ''}`],
    [/^\/spec\/runPolicy\/(\w+)/, m => `/runPolicy/${m[1]}`],
    [/^\/spec\/trainer\/numNodes$/, () => '/replicas/Node/count'],
    [/^\/spec\/trainer\/env\/(\d+)/, m => envPath(spec, Number(m[1]))],
    [/^\/spec\/trainer\/(image|command|args)/, m => `/${m[1]}`],
    [/^\/spec\/runtimeRef/, () => '/runtimeRef'],
    [/^\/metadata\/name$/, () => '/name']
  ];
}

function envPath(spec: ITrainingJobSpec, index: number): string {
  const name = Object.keys(spec.env ?? {})[index];
  return name !== undefined ? `/env/${name}` : '';
}

export function specFieldOf(spec: ITrainingJobSpec, clusterPointer: string): string {
  for (const [pattern, map] of rulesFor(spec)) {
    const m = clusterPointer.match(pattern);
    if (m) {
      return map(m);
    }
  }
  return '';
}

/** The cluster's field errors in the spec's terms; ones without a spec field keep the cluster's words. */
export function toSpecFields(spec: ITrainingJobSpec, fields: IFieldError[]): IFieldError[] {
  return fields
    .filter(f => f.path !== '/<nil>') // "some validation rules were not checked": noise next to the real error
    .map(f => {
      const path = specFieldOf(spec, f.path);
      return path
        ? { path, message: f.message }
        : { path: '', message: `the cluster refused ${f.path || 'the job'}: ${f.message}` };
    });
}
