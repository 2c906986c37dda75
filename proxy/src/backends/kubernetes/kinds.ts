/**
 * The seven job kinds as API resources, read from the mappers' `KIND_INFO` table, so this backend loops over
 * kinds without naming any of them.
 */
import { Framework } from '../../../../contract/training';
import { IResourceRef } from './client';
import { KIND_INFO } from './mappers';
import { IKubeObject } from './watch-reducer';

export interface IJobKind extends IResourceRef {
  kind: string;
  framework: Framework;
  /** The container the operator injects into: the one whose log is the replica's log. */
  container: string;
}

export const JOB_KINDS: IJobKind[] = (
  Object.entries(KIND_INFO) as [Framework, (typeof KIND_INFO)[Framework]][]
).map(([framework, info]) => ({
  framework,
  kind: info.kind,
  container: info.container,
  group: info.group,
  version: info.version,
  plural: info.plural
}));

export function kindOfFramework(framework: Framework): IJobKind {
  const found = JOB_KINDS.find(kind => kind.framework === framework);
  if (!found) {
    throw new Error(`no job kind for framework ${framework}`);
  }
  return found;
}

/**
 * Items of a list answer may come without `apiVersion`/`kind`; the mappers need them to tell the kinds apart,
 * so fill them in from the resource the object was read from.
 */
export function withTypeMeta(object: IKubeObject, kind: IJobKind): IKubeObject {
  return {
    ...object,
    apiVersion: object.apiVersion ?? `${kind.group}/${kind.version}`,
    kind: object.kind ?? kind.kind
  };
}
