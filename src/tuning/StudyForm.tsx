/** The study launcher form ("New hyperparameter study"): renders a `StudyFormModel`, validated as you type. */
import React from 'react';
import { AlgorithmName, Distribution, ParameterType } from '../../contract/study';
import { DEFAULT_TRAINING_IMAGE } from '../../contract/training-schema';
import { Field, textFields } from '../components/form/Field';
import { FormFrame } from '../components/form/FormFrame';
import { useSignal } from '../components/useSignal';
import { YamlView } from '../components/YamlView';
import { TextField } from '../training/form-values';
import { FrameworkField, ReplicaFields } from '../training/TrainingFields';
import {
  ALGORITHMS,
  algorithmInfo,
  isLocalAlgorithm,
  ISettingInfo,
  settingDefault,
  MEDIANSTOP_SETTINGS
} from './algorithms';
import { StudyFormModel } from './form-model';
import { IParameterRow, metricNames, StudyTextField } from './study-values';

let formCount = 0;

const TYPES: ParameterType[] = ['double', 'int', 'categorical', 'discrete'];
const DISTRIBUTIONS: ('' | Distribution)[] = ['', 'logUniform', 'normal', 'logNormal'];

export interface IStudyFormProps {
  model: StudyFormModel;
  /** The active backend, to say which algorithms need a cluster. */
  backend?: 'local' | 'kubernetes';
}

export function StudyForm({ model, backend }: IStudyFormProps): JSX.Element {
  useSignal(model.changed);
  const [ids] = React.useState(() => `kf-study-form-${++formCount}`);
  React.useEffect(() => {
    void model.loadJobs();
  }, [model]);
  const v = model.values;
  const field = textFields<StudyTextField>(model, ids, v, (f, value) => model.set(f, value));
  const text = (f: StudyTextField, label: string, hint?: string, placeholder?: string) =>
    field(f, label, hint, { placeholder });
  const info = algorithmInfo(v.algorithm);
  const errors = model.errorCount;
  return (
    <FormFrame model={model} className="kf-job-form kf-study-form" label="New hyperparameter study">
      <fieldset>
        <legend>Study</legend>
        <p className="kf-form-namespace">
          Namespace:{' '}
          <strong>{model.namespace || 'none yet (waiting for the cluster section)'}</strong>
          {backend ? ` · ${backend} backend` : ''}
        </p>
        {text('name', 'Name', 'Optional: a name is generated when empty.')}
      </fieldset>

      <fieldset>
        <legend>Objective</legend>
        {text('metricName', 'Metric', 'The name your script prints, e.g. loss=0.25.')}
        <Field model={model} ids={ids} field="type" label="Direction">
          {aria => (
            <select
              {...aria}
              value={v.type}
              onChange={e => model.setType(e.target.value as 'maximize' | 'minimize')}
            >
              <option value="minimize">minimize</option>
              <option value="maximize">maximize</option>
            </select>
          )}
        </Field>
        {text('goal', 'Goal', 'Optional: the study succeeds once a trial reaches it.')}
        {text(
          'additionalMetrics',
          'Additional metrics',
          'Comma-separated; recorded with each trial, not optimised.'
        )}
        <details className="kf-form-details">
          <summary>Metric strategies</summary>
          <p className="kf-form-hint">
            Which value of a metric&apos;s series counts for a trial. Default: the best (min when
            minimizing, max when maximizing).
          </p>
          {metricNames(v).map(name => (
            <Field key={name} model={model} ids={ids} field={`strategy-${name}`} label={name}>
              {aria => (
                <select
                  {...aria}
                  value={v.strategies[name] ?? ''}
                  onChange={e =>
                    model.setStrategy(name, e.target.value as 'min' | 'max' | 'latest' | '')
                  }
                >
                  <option value="">default</option>
                  <option value="min">min</option>
                  <option value="max">max</option>
                  <option value="latest">latest</option>
                </select>
              )}
            </Field>
          ))}
          {model.error('strategies') && (
            <span className="kf-form-error">{model.error('strategies')}</span>
          )}
        </details>
      </fieldset>

      <ParametersTable model={model} />

      <fieldset>
        <legend>Algorithm</legend>
        <Field model={model} ids={ids} field="algorithm" label="Algorithm">
          {aria => (
            <select
              {...aria}
              value={v.algorithm}
              onChange={e => model.setAlgorithm(e.target.value as AlgorithmName)}
            >
              {ALGORITHMS.map(a => (
                <option key={a.name} value={a.name}>
                  {a.label}
                  {backend === 'local' && !isLocalAlgorithm(a.name) ? ' (cluster only)' : ''}
                </option>
              ))}
            </select>
          )}
        </Field>
        <p className="kf-form-hint kf-study-algorithm-help">{info.description}</p>
        {backend === 'local' && !isLocalAlgorithm(info.name) && (
          <p className="kf-form-error" role="alert">
            The local backend does not run {info.name}; it has{' '}
            {ALGORITHMS.filter(a => isLocalAlgorithm(a.name))
              .map(a => a.name)
              .join(', ')}
            . Connect to a cluster with Katib, or pick one of these.
          </p>
        )}
        {info.settings.map(s => (
          <Setting
            key={`${info.name}-${s.name}`}
            model={model}
            ids={ids}
            info={{
              ...(s.name === 'resource_name' ? resourceChoices(s, v.parameters) : s),
              defaultValue: settingDefault(v.algorithm, s, backend)
            }}
            field={`setting.${s.name}`}
            value={v.settings[v.algorithm]?.[s.name] ?? ''}
            onChange={value => model.setSetting(s.name, value)}
          />
        ))}
      </fieldset>

      <fieldset>
        <legend>Early stopping</legend>
        <Field model={model} ids={ids} field="earlyStopping" label="Early stopping">
          {aria => (
            <select
              {...aria}
              value={v.earlyStopping}
              onChange={e => model.setEarlyStopping(e.target.value as '' | 'medianstop')}
            >
              <option value="">none</option>
              <option value="medianstop">median stop</option>
            </select>
          )}
        </Field>
        {v.earlyStopping === 'medianstop' && (
          <>
            <p className="kf-form-hint">
              Stops a trial whose best value so far is worse than the median of the finished trials
              at the same report.
            </p>
            {MEDIANSTOP_SETTINGS.map(s => (
              <Setting
                key={s.name}
                model={model}
                ids={ids}
                info={s}
                field={`es.${s.name}`}
                value={v.earlyStoppingSettings[s.name] ?? ''}
                onChange={value => model.setEarlyStoppingSetting(s.name, value)}
              />
            ))}
          </>
        )}
      </fieldset>

      <fieldset>
        <legend>Budget</legend>
        {text('maxTrialCount', 'Max trials')}
        {text('parallelTrialCount', 'Parallel trials', 'Default 3.')}
        {text('maxFailedTrialCount', 'Max failed trials', 'The study fails after this many.')}
        <Field model={model} ids={ids} field="resumePolicy" label="Resume policy">
          {aria => (
            <select
              {...aria}
              value={v.resumePolicy}
              onChange={e =>
                model.setResumePolicy(e.target.value as 'Never' | 'LongRunning' | 'FromVolume' | '')
              }
            >
              <option value="">Never (default)</option>
              <option value="LongRunning">LongRunning</option>
              <option value="FromVolume">FromVolume</option>
            </select>
          )}
        </Field>
        {text('seed', 'Seed (local backend)', 'The same seed gives the same trials.')}
      </fieldset>

      <CollectorFields model={model} ids={ids} />
      <TrialFields model={model} ids={ids} />
      <Preview model={model} />

      <div className="kf-form-actions">
        <button type="submit" className="jp-mod-styled jp-mod-accept" disabled={!model.canSubmit}>
          {model.submitting ? 'Creating…' : 'Create study'}
        </button>
        {errors > 0 && (
          <span className="kf-form-error" role="status">
            {errors} field{errors === 1 ? '' : 's'} to fix
          </span>
        )}
      </div>
    </FormFrame>
  );
}

/** Hyperband's resource is one of the numeric parameters: offer those by name. */
function resourceChoices(info: ISettingInfo, parameters: IParameterRow[]): ISettingInfo {
  const numeric = parameters
    .filter(p => (p.type === 'int' || p.type === 'double') && p.name.trim())
    .map(p => p.name.trim());
  return numeric.length ? { ...info, options: numeric } : info;
}

function Setting(props: {
  model: StudyFormModel;
  ids: string;
  info: ISettingInfo;
  field: string;
  value: string;
  onChange: (value: string) => void;
}): JSX.Element {
  const { info } = props;
  const hint = `${info.help}${info.defaultValue ? ` Default: ${info.defaultValue}.` : ''}${
    info.required ? ' Required.' : ''
  }`;
  return (
    <Field model={props.model} ids={props.ids} field={props.field} label={info.label} hint={hint}>
      {aria =>
        info.options ? (
          <select {...aria} value={props.value} onChange={e => props.onChange(e.target.value)}>
            <option value="">
              {info.defaultValue ? `default (${info.defaultValue})` : 'choose…'}
            </option>
            {info.options.map(o => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        ) : (
          <input
            {...aria}
            type="text"
            value={props.value}
            placeholder={info.defaultValue}
            onChange={e => props.onChange(e.target.value)}
          />
        )
      }
    </Field>
  );
}

function ParametersTable({ model }: { model: StudyFormModel }): JSX.Element {
  const rows = model.values.parameters;
  const cell = (i: number, field: keyof IParameterRow, label: string, row: IParameterRow) => {
    const error = model.error(`param.${i}.${field}`);
    const id = `kf-param-${i}-${field}`;
    return (
      <td className={error ? 'kf-mod-invalid' : undefined}>
        <input
          type="text"
          aria-label={`Parameter ${i + 1} ${label}`}
          aria-invalid={!!error}
          aria-describedby={error ? `${id}-error` : undefined}
          value={row[field]}
          onChange={e => model.setParameter(i, field, e.target.value)}
        />
        {error && (
          <span id={`${id}-error`} className="kf-form-error">
            {error}
          </span>
        )}
      </td>
    );
  };
  return (
    <fieldset>
      <legend>Parameters</legend>
      <p className="kf-form-hint">
        Use <code>{'${trialParameters.NAME}'}</code> in the trial&apos;s command, arguments or
        environment; each parameter also arrives as an environment variable.
      </p>
      <table className="kf-table kf-study-params" aria-label="Parameters">
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Min / values</th>
            <th>Max</th>
            <th>Step</th>
            <th>Distribution</th>
            <th>
              <span className="kf-visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => {
            const listed = row.type === 'categorical' || row.type === 'discrete';
            const typeError = model.error(`param.${i}.type`);
            const distError = model.error(`param.${i}.distribution`);
            return (
              <tr key={i}>
                {cell(i, 'name', 'name', row)}
                <td className={typeError ? 'kf-mod-invalid' : undefined}>
                  <select
                    aria-label={`Parameter ${i + 1} type`}
                    value={row.type}
                    onChange={e => model.setParameter(i, 'type', e.target.value)}
                  >
                    {TYPES.map(t => (
                      <option key={t} value={t}>
                        {t}
                      </option>
                    ))}
                  </select>
                  {typeError && <span className="kf-form-error">{typeError}</span>}
                </td>
                {listed ? (
                  <>
                    {cell(i, 'list', 'values (comma-separated)', row)}
                    <td />
                    <td />
                    <td />
                  </>
                ) : (
                  <>
                    {cell(i, 'min', 'min', row)}
                    {cell(i, 'max', 'max', row)}
                    {cell(i, 'step', 'step', row)}
                    <td className={distError ? 'kf-mod-invalid' : undefined}>
                      <select
                        aria-label={`Parameter ${i + 1} distribution`}
                        aria-invalid={!!distError}
                        value={row.distribution}
                        onChange={e => model.setParameter(i, 'distribution', e.target.value)}
                      >
                        {DISTRIBUTIONS.map(d => (
                          <option key={d} value={d}>
                            {d || 'uniform'}
                          </option>
                        ))}
                      </select>
                      {distError && <span className="kf-form-error">{distError}</span>}
                    </td>
                  </>
                )}
                <td>
                  <button
                    type="button"
                    className="jp-mod-styled"
                    aria-label={`Remove parameter ${i + 1}`}
                    onClick={() => model.removeParameter(i)}
                  >
                    ×
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {model.error('parameters') && <p className="kf-form-error">{model.error('parameters')}</p>}
      <button type="button" className="jp-mod-styled" onClick={() => model.addParameter()}>
        Add parameter
      </button>
    </fieldset>
  );
}

function CollectorFields({ model, ids }: { model: StudyFormModel; ids: string }): JSX.Element {
  const v = model.values;
  const sample = model.sample();
  const field = textFields<StudyTextField>(model, ids, v, (f, value) => model.set(f, value));
  return (
    <fieldset>
      <legend>Metrics collection</legend>
      <Field model={model} ids={ids} field="collector" label="Read metrics from">
        {aria => (
          <select
            {...aria}
            value={v.collector}
            onChange={e => model.setCollector(e.target.value as 'StdOut' | 'File')}
          >
            <option value="StdOut">the trial&apos;s output (StdOut)</option>
            <option value="File">a file the trial writes</option>
          </select>
        )}
      </Field>
      {v.collector === 'File' && (
        <Field model={model} ids={ids} field="path" label="File path" hint="Absolute path.">
          {aria => (
            <input
              {...aria}
              type="text"
              value={v.path}
              placeholder="/var/log/katib/metrics.log"
              onChange={e => model.set('path', e.target.value)}
            />
          )}
        </Field>
      )}
      <Field model={model} ids={ids} field="formatMode" label="Line format">
        {aria => (
          <select
            {...aria}
            value={v.formatMode}
            onChange={e => model.setFormatMode(e.target.value as 'default' | 'custom')}
          >
            <option value="default">name=value (Katib default)</option>
            <option value="custom">custom regular expression</option>
          </select>
        )}
      </Field>
      {v.formatMode === 'custom' &&
        field('format', 'Regular expression', 'Two groups: the metric name, then its value.', {
          placeholder: '(\\w+):\\s*([-+\\d.eE]+)',
          className: 'kf-mono'
        })}
      {field(
        'sampleLine',
        'Test with a line',
        'Paste a line your script prints; it is checked against the format now and before the study starts.',
        { placeholder: 'epoch=3 loss=0.25', className: 'kf-mono' }
      )}
      <div className="kf-study-sample" role="status" aria-label="Metric format test">
        {sample.state === 'bad-format' && <span className="kf-form-error">{sample.message}</span>}
        {sample.state === 'read' &&
          (sample.points.length ? (
            <span className="kf-study-sample-ok">
              Reads{' '}
              {sample.points.map(p => (
                <code key={`${p.name}-${p.value}`}>
                  {p.name} = {p.value}
                </code>
              ))}
              {sample.missing.length ? ` — nothing for ${sample.missing.join(', ')}` : ''}
            </span>
          ) : (
            <span className="kf-form-error">
              Reads nothing for {sample.missing.join(', ')} from this line.
            </span>
          ))}
      </div>
    </fieldset>
  );
}

function TrialFields({ model, ids }: { model: StudyFormModel; ids: string }): JSX.Element {
  const t = model.values.trial;
  const errors = model.trialErrors();
  const tids = `${ids}-trial`;
  const text = textFields<TextField>(errors, tids, t, (f, value) => model.setTrial(f, value));
  return (
    <fieldset>
      <legend>Trial (a training job per trial)</legend>
      <div className="kf-form-source">
        {model.jobs.length > 0 && (
          <label>
            Start from job{' '}
            <select value="" onChange={e => model.startFromJob(e.target.value)}>
              <option value="">choose…</option>
              {model.jobs.map(j => (
                <option key={j.name} value={j.name}>
                  {j.name} ({j.framework})
                </option>
              ))}
            </select>
          </label>
        )}
        {t.source ? (
          <span>
            Ships <code>{t.source.filename}</code> ({t.source.content.split('\n').length} lines){' '}
            <button type="button" className="jp-mod-styled" onClick={() => model.clearSource()}>
              Remove
            </button>
          </span>
        ) : (
          model.canUseCurrentFile && (
            <button
              type="button"
              className="jp-mod-styled"
              onClick={() => void model.useCurrentFile()}
            >
              Use current file
            </button>
          )
        )}
        {errors.error('source') && <span className="kf-form-error">{errors.error('source')}</span>}
      </div>
      <FrameworkField
        errors={errors}
        ids={tids}
        framework={t.framework}
        onFramework={f => model.setTrialFramework(f)}
      />
      {t.framework === 'trainjob' && text('runtimeName', 'Runtime')}
      <ReplicaFields
        errors={errors}
        ids={tids}
        framework={t.framework}
        counts={t.counts}
        onCount={(role, count) => model.setTrialCount(role, count)}
      />
      {text('image', 'Image', `Default: ${DEFAULT_TRAINING_IMAGE}`)}
      {text(
        'command',
        'Command',
        'One line, e.g. python3 train.py --lr ${trialParameters.lr} (with a shipped file: its launcher, or empty).'
      )}
      {text(
        'env',
        'Environment',
        'KEY=VALUE, one per line; values may use ${trialParameters.NAME}.',
        { multiline: true }
      )}
      {text('packages', 'Packages', 'Comma-separated pip requirements, installed at start.')}
      {text('cpu', 'CPU per replica', 'e.g. 2 or 500m')}
      {text('memory', 'Memory per replica', 'e.g. 4Gi')}
      {text('gpus', 'GPUs per replica')}
    </fieldset>
  );
}

function Preview({ model }: { model: StudyFormModel }): JSX.Element {
  const preview = model.preview();
  const [showSpec, setShowSpec] = React.useState(false);
  return (
    <fieldset className="kf-study-preview" aria-label="Preview">
      <legend>What will run</legend>
      <p>{preview.summary}</p>
      <p className="kf-form-hint">A first trial could run:</p>
      <pre className="kf-study-preview-command" aria-label="Example trial command">
        {preview.command || '(no command yet)'}
      </pre>
      {preview.env.length > 0 && (
        <p className="kf-form-hint">
          with{' '}
          {preview.env.map(([k, val]) => (
            <code key={k}>
              {k}={val}{' '}
            </code>
          ))}
        </p>
      )}
      <button
        type="button"
        className="jp-mod-styled"
        aria-expanded={showSpec}
        onClick={() => setShowSpec(!showSpec)}
      >
        {showSpec ? 'Hide the study spec' : 'Show the study spec'}
      </button>
      {showSpec && <YamlView value={model.spec} label="Study spec" />}
    </fieldset>
  );
}
