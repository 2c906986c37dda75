/** The launcher form ("New training job"): renders a `JobFormModel`, validation shown as you type. */
import React from 'react';
import { DEFAULT_TRAINING_IMAGE } from '../../contract/training-schema';
import { CodeEditorField } from '../components/CodeEditor';
import { Field, textFields } from '../components/form/Field';
import { FormFrame } from '../components/form/FormFrame';
import { useSignal } from '../components/useSignal';
import { JobFormModel } from './form-model';
import { TextField } from './form-values';
import { FrameworkField, ReplicaFields } from './TrainingFields';

let formCount = 0;

export function JobForm({ model }: { model: JobFormModel }): JSX.Element {
  useSignal(model.changed);
  const [ids] = React.useState(() => `kf-job-form-${++formCount}`);
  const v = model.values;
  const text = textFields<TextField>(model, ids, v, (f, value) => model.set(f, value));
  const isTrainJob = v.framework === 'trainjob';
  return (
    <FormFrame model={model} className="kf-job-form" label="New training job">
      <fieldset>
        <legend>Job</legend>
        <p className="kf-form-namespace">
          Namespace: <strong>{model.namespace || 'none selected'}</strong>
        </p>
        <FrameworkField
          errors={model}
          ids={ids}
          framework={v.framework}
          onFramework={f => model.setFramework(f)}
        />
        {text('name', 'Name', 'Optional: a name is generated when empty.')}
        {isTrainJob && text('runtimeName', 'Runtime', 'The (Cluster)TrainingRuntime to run on.')}
      </fieldset>
      <fieldset className="kf-form-roles">
        <legend>Replicas</legend>
        <ReplicaFields
          errors={model}
          ids={ids}
          framework={v.framework}
          counts={v.counts}
          onCount={(role, count) => model.setCount(role, count)}
        />
      </fieldset>
      <fieldset>
        <legend>Code</legend>
        {text('image', 'Image', `Default: ${DEFAULT_TRAINING_IMAGE}`)}
        <div className="kf-form-source">
          {v.source ? (
            <Field
              model={model}
              ids={ids}
              field="source"
              label={`Script ${v.source.filename}`}
              hint="Shipped with the job and run by each replica; paste or write it here."
            >
              {aria => (
                <CodeEditorField
                  id={aria.id}
                  label="Script"
                  value={v.source?.content ?? ''}
                  onChange={content => model.setScript(content)}
                  factory={model.editorFactory}
                />
              )}
            </Field>
          ) : (
            <p className="kf-form-hint">
              No script: the command below runs as it is, in the image.
            </p>
          )}
          <span className="kf-form-source-actions">
            {v.source ? (
              <button type="button" className="jp-mod-styled" onClick={() => model.clearSource()}>
                Remove script
              </button>
            ) : (
              <button type="button" className="jp-mod-styled" onClick={() => model.writeScript()}>
                Write a script
              </button>
            )}
            {model.canUseCurrentFile && (
              <button
                type="button"
                className="jp-mod-styled"
                onClick={() => void model.useCurrentFile()}
              >
                Use current file
              </button>
            )}
          </span>
        </div>
        {text(
          'command',
          v.source ? 'Launcher' : 'Command',
          v.source
            ? 'What runs the script, e.g. torchrun --nproc-per-node 2 (empty: python).'
            : 'One line, e.g. python -m mypackage.train (quotes keep spaces).'
        )}
        {text('args', 'Arguments', 'One per line, passed as they are (no quoting needed).', {
          multiline: true
        })}
        {model.preview && (
          <p className="kf-form-preview" aria-label="What each replica runs">
            Each replica runs: <code>{model.preview}</code>
          </p>
        )}
        {text('packages', 'Packages', 'Comma-separated pip requirements, installed at start.')}
        {text('env', 'Environment', 'KEY=VALUE, one per line.', { multiline: true })}
      </fieldset>
      <fieldset>
        <legend>Resources (per replica)</legend>
        {text('cpu', 'CPU', 'e.g. 2 or 500m')}
        {text('memory', 'Memory', 'e.g. 4Gi')}
        {text('gpus', 'GPUs')}
        {text('gpuResource', 'GPU resource name', 'Default: nvidia.com/gpu')}
        {!isTrainJob &&
          text('nodeSelector', 'Node selector', 'key=value, one per line.', { multiline: true })}
      </fieldset>
      <fieldset>
        <legend>Run policy</legend>
        {!isTrainJob && (
          <Field model={model} ids={ids} field="cleanPodPolicy" label="Clean pods">
            {aria => (
              <select
                {...aria}
                value={v.cleanPodPolicy}
                onChange={e => model.setCleanPodPolicy(e.target.value as typeof v.cleanPodPolicy)}
              >
                <option value="">operator default</option>
                <option value="All">All</option>
                <option value="Running">Running</option>
                <option value="None">None</option>
              </select>
            )}
          </Field>
        )}
        {!isTrainJob && text('backoffLimit', 'Retries (backoff limit)')}
        {!isTrainJob && text('ttlSecondsAfterFinished', 'Delete after finishing (seconds)')}
        {text('activeDeadlineSeconds', 'Time limit (seconds)')}
      </fieldset>
      <div className="kf-form-actions">
        <button
          type="submit"
          className="jp-mod-styled jp-mod-accept"
          disabled={!model.valid || model.submitting}
        >
          {model.submitting ? 'Creating…' : 'Create job'}
        </button>
      </div>
    </FormFrame>
  );
}
