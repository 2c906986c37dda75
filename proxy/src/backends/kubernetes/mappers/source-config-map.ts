/**
 * The job's source as a ConfigMap, mounted read-only in every replica. It is owned by the job, so it goes when
 * the job goes; the owner's uid exists only after the job is created, hence `withOwner` as a second step (pods
 * wait for a missing ConfigMap volume, so creating it after the job is safe).
 */
import { ITrainingJobSpec } from '../../../../../contract/training';
import { MANAGED_BY, MANAGED_BY_LABEL } from './kind-info';
import { sourceConfigMapName } from './pod-template';

export interface IConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    ownerReferences?: IOwnerReference[];
  };
  data: Record<string, string>;
  [key: string]: unknown;
}

export interface IOwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
}

/** Undefined when there is no source, and for TrainJobs (their source travels in the trainer's env). */
export function toSourceConfigMap(
  spec: ITrainingJobSpec,
  jobName: string,
  namespace: string
): IConfigMap | undefined {
  if (!spec.source || spec.framework === 'trainjob') {
    return undefined;
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: sourceConfigMapName(jobName),
      namespace,
      labels: {
        [MANAGED_BY_LABEL]: MANAGED_BY,
        'kubeflow-workbench.io/job-name': jobName
      }
    },
    data: { [spec.source.filename]: spec.source.content }
  };
}

interface IOwnerObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; uid?: string };
}

/** A copy of the ConfigMap owned by `job` (which must have been created: it needs the uid). */
export function withOwner<T extends { metadata?: object }>(configMap: T, job: IOwnerObject): T {
  const { apiVersion, kind } = job;
  const name = job.metadata?.name;
  const uid = job.metadata?.uid;
  if (!apiVersion || !kind || !name || !uid) {
    throw new Error(
      'withOwner needs the created job (apiVersion, kind, metadata.name and metadata.uid)'
    );
  }
  // No blockOwnerDeletion: with the OwnerReferencesPermissionEnforcement admission plugin it needs permission to
  // update the job's finalizers, which the usual Kubeflow edit roles do not grant.
  const owner: IOwnerReference = {
    apiVersion,
    kind,
    name,
    uid,
    controller: true
  };
  return {
    ...configMap,
    metadata: { ...configMap.metadata, ownerReferences: [owner] }
  };
}
