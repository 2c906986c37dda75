/**
 * The YAML tab of a job, study or run: the exact object sent to the cluster (PyTorchJob, Experiment, KFP IR…,
 * or the one a cluster would get for a local run), with a toggle for the workbench spec it was made from.
 */
import React from 'react';
import { YamlView } from '../components/YamlView';

export interface IManifestYamlProps {
  name: string;
  /** The cluster object; absent for resources the workbench did not create. */
  manifest?: unknown;
  /** The workbench's own spec. */
  spec?: unknown;
  /** What the manifest is, in words: "PyTorchJob", "Katib Experiment". */
  manifestLabel: string;
}

export function ManifestYaml(props: IManifestYamlProps): JSX.Element {
  const [showSpec, setShowSpec] = React.useState(props.manifest === undefined);
  const value = showSpec ? props.spec : props.manifest;
  return (
    <div className="kf-manifest-yaml">
      {props.manifest !== undefined && props.spec !== undefined && (
        <label className="kf-manifest-toggle">
          <input type="checkbox" checked={showSpec} onChange={e => setShowSpec(e.target.checked)} />{' '}
          Show the workbench spec instead of the {props.manifestLabel}
        </label>
      )}
      <YamlView
        value={value ?? props.manifest ?? props.spec ?? null}
        label={`YAML of ${props.name}${showSpec ? ' (workbench spec)' : ''}`}
      />
    </div>
  );
}
