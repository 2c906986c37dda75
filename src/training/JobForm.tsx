/** The launcher form ("New training job"): renders a `JobFormModel`, validation shown as you type. */
import React from 'react';
import { Framework } from '../../contract/training';
import { DEFAULT_TRAINING_IMAGE } from '../../contract/training-schema';
import { CodeEditorField } from '../components/CodeEditor';
import { ErrorBanner } from '../components/ErrorBanner';
import { useSignal } from '../components/useSignal';
import { JobFormModel } from './form-model';
import { TextField } from './form-values';
import { FRAMEWORKS, ROLES } from './roles';

let formCount = 0;

interface IFieldProps {
  /** Whatever knows the field's error: the job form's model, the study form's trial part, … */
  model: { error(field: string): string | undefined };
  ids: string;
  field: string;
  label: string;
  hint?: string;
  children: (aria: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby'?: string;
  }) => React.ReactNode;
}

/** A labelled control with its error (by field) next to it, linked for screen readers. */
export function Field({ model, ids, field, label, hint, children }: IFieldProps): JSX.Element {
  const id = `${ids}-${field.replace(/\W/g, '_')}`;
  const error = model.error(field);
  const described = [error ? `${id}-error` : '', hint ? `${id}-hint` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`kf-form-field${error ? ' kf-mod-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': described || undefined })}
      {hint && (
        <span id={`${id}-hint`} className="kf-form-hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="kf-form-error">
          {error}
        </span>
      )}
    </div>
  );
}

export function JobForm({ model }: { model: JobFormModel }): JSX.Element {
  useSignal(model.changed);
  const [ids] = React.useState(() => `kf-job-form-${++formCount}`);
  const v = model.values;
  const text = (field: TextField, label: string, hint?: string, multiline = false) => (
    <Field model={model} ids={ids} field={field} label={label} hint={hint}>
      {aria =>
        multiline ? (
          <textarea
            {...aria}
            rows={3}
            value={v[field]}
            onChange={e => model.set(field, e.target.value)}
          />
        ) : (
          <input
            {...aria}
            type="text"
            value={v[field]}
            onChange={e => model.set(field, e.target.value)}
          />
        )
      }
    </Field>
  );
  const isTrainJob = v.framework === 'trainjob';
  const formError = model.error('form') ?? model.error('replicas');
  return (
    <form
      className="kf-job-form"
      aria-label="New training job"
      onSubmit={e => {
        e.preventDefault();
        void model.submit();
      }}
    >
      {model.banner && (
        <ErrorBanner
          message={model.banner.message}
          details={model.banner.details}
          onDismiss={() => model.dismissBanner()}
        />
      )}
      <fieldset>
        <legend>Job</legend>
        <p className="kf-form-namespace">
          Namespace: <strong>{model.namespace || 'none selected'}</strong>
        </p>
        <Field model={model} ids={ids} field="framework" label="Framework">
          {aria => (
            <select
              {...aria}
              value={v.framework}
              onChange={e => model.setFramework(e.target.value as Framework)}
            >
              {FRAMEWORKS.map(f => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {text('name', 'Name', 'Optional: a name is generated when empty.')}
        {isTrainJob && text('runtimeName', 'Runtime', 'The (Cluster)TrainingRuntime to run on.')}
      </fieldset>
      <fieldset className="kf-form-roles">
        <legend>Replicas</legend>
        {ROLES[v.framework].map(r => (
          <Field
            key={r.role}
            model={model}
            ids={ids}
            field={`replicas.${r.role}`}
            label={`${r.role} replicas`}
            hint={r.single ? '0 or 1' : undefined}
          >
            {aria => (
              <input
                {...aria}
                type="number"
                min={0}
                max={r.single ? 1 : 1000}
                value={v.counts[r.role] ?? ''}
                onChange={e => model.setCount(r.role, e.target.value)}
              />
            )}
          </Field>
        ))}
        {formError && <p className="kf-form-error">{formError}</p>}
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
        {text('args', 'Arguments', 'One per line, passed as they are (no quoting needed).', true)}
        {model.preview && (
          <p className="kf-form-preview" aria-label="What each replica runs">
            Each replica runs: <code>{model.preview}</code>
          </p>
        )}
        {text('packages', 'Packages', 'Comma-separated pip requirements, installed at start.')}
        {text('env', 'Environment', 'KEY=VALUE, one per line.', true)}
      </fieldset>
      <fieldset>
        <legend>Resources (per replica)</legend>
        {text('cpu', 'CPU', 'e.g. 2 or 500m')}
        {text('memory', 'Memory', 'e.g. 4Gi')}
        {text('gpus', 'GPUs')}
        {text('gpuResource', 'GPU resource name', 'Default: nvidia.com/gpu')}
        {!isTrainJob && text('nodeSelector', 'Node selector', 'key=value, one per line.', true)}
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
    </form>
  );
}
