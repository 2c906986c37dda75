/**
 * The "Submit to Kubeflow" dialog body: run name, experiment (the ones known offered, free text allowed) and the
 * pipeline's parameters. The plugin re-opens it with the same values and the proxy's error (verbatim, with its
 * field paths) while the submission is refused.
 */
import React from 'react';
import { ReactWidget } from '@jupyterlab/ui-components';
import { IFieldError } from '../../contract/errors';
import { IPipelineParameter } from '../../contract/pipeline';
import { DEFAULT_EXPERIMENT, parameterText } from './selectors';

export interface ISubmitValues {
  name: string;
  experiment: string;
  /** Parameter texts by name ('' = the default). */
  parameters: Record<string, string>;
}

export interface ISubmitError {
  message: string;
  fields: IFieldError[];
}

export interface ISubmitFormProps {
  pipeline: string;
  params: IPipelineParameter[];
  experiments: string[];
  initial: ISubmitValues;
  error?: ISubmitError;
  onChange: (values: ISubmitValues) => void;
}

export function initialValues(params: IPipelineParameter[]): ISubmitValues {
  return {
    name: '',
    experiment: DEFAULT_EXPERIMENT,
    parameters: Object.fromEntries(params.map(p => [p.name, parameterText(p)]))
  };
}

/** The error lines about one parameter (`/parameters/<name>…`). */
function paramErrors(error: ISubmitError | undefined, name: string): string[] {
  const prefix = `/parameters/${name}`;
  return (error?.fields ?? [])
    .filter(f => f.path === prefix || f.path.startsWith(`${prefix}/`))
    .map(f => f.message);
}

export function SubmitForm(props: ISubmitFormProps): JSX.Element {
  const [values, setValues] = React.useState(props.initial);
  const update = (next: ISubmitValues) => {
    setValues(next);
    props.onChange(next);
  };
  const { error } = props;
  return (
    <div className="kf-submit-form" role="group" aria-label="Submit to Kubeflow Pipelines">
      <p className="kf-form-hint">
        Pipeline <strong>{props.pipeline}</strong>: uploaded (or a new version), then run in the
        experiment, created when missing.
      </p>
      {error && (
        <div className="kf-error-banner" role="alert" aria-label="Submission refused">
          <div>{error.message}</div>
          {error.fields.length > 0 && (
            <ul className="kf-submit-fields">
              {error.fields.map((f, i) => (
                <li key={i}>
                  <code>{f.path || '/'}</code>: {f.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="kf-form-field">
        <label htmlFor="kf-submit-name">Run name</label>
        <input
          id="kf-submit-name"
          type="text"
          value={values.name}
          placeholder="generated from the pipeline name"
          onChange={e => update({ ...values, name: e.target.value })}
        />
      </div>
      <div className="kf-form-field">
        <label htmlFor="kf-submit-experiment">Experiment</label>
        <input
          id="kf-submit-experiment"
          type="text"
          value={values.experiment}
          onChange={e => update({ ...values, experiment: e.target.value })}
          aria-describedby="kf-submit-experiment-hint"
        />
        <span id="kf-submit-experiment-hint" className="kf-form-hint">
          {/* Buttons, not a <datalist>: its native popup can sit over the dialog's own buttons. */}
          {props.experiments.length > 0 && (
            <span className="kf-submit-known" role="group" aria-label="Known experiments">
              Known:{' '}
              {props.experiments.map(x => (
                <button
                  key={x}
                  type="button"
                  className="kf-link"
                  onClick={() => update({ ...values, experiment: x })}
                >
                  {x}
                </button>
              ))}
              .{' '}
            </span>
          )}
          A new name creates the experiment.
        </span>
      </div>
      <fieldset className="kf-submit-params">
        <legend>Parameters</legend>
        {props.params.length === 0 && <p className="kf-muted">This pipeline has none.</p>}
        {props.params.map(p => {
          const id = `kf-submit-param-${p.name}`;
          const problems = paramErrors(error, p.name);
          return (
            <div
              key={p.name}
              className={`kf-form-field${problems.length ? ' kf-mod-invalid' : ''}`}
            >
              <label htmlFor={id}>{p.name}</label>
              <input
                id={id}
                type="text"
                value={values.parameters[p.name] ?? ''}
                placeholder={p.default === undefined ? 'required' : 'default'}
                aria-invalid={problems.length > 0}
                aria-describedby={`${id}-hint`}
                onChange={e =>
                  update({
                    ...values,
                    parameters: { ...values.parameters, [p.name]: e.target.value }
                  })
                }
              />
              <span
                id={`${id}-hint`}
                className={problems.length ? 'kf-form-error' : 'kf-form-hint'}
              >
                {problems.length
                  ? problems.join('; ')
                  : `${p.type}${p.description ? ` · ${p.description}` : ''}`}
              </span>
            </div>
          );
        })}
      </fieldset>
    </div>
  );
}

export class SubmitDialogBody extends ReactWidget {
  private values: ISubmitValues;

  constructor(private readonly props: Omit<ISubmitFormProps, 'onChange'>) {
    super();
    this.values = props.initial;
    this.addClass('kf-submit-dialog');
  }

  getValue(): ISubmitValues {
    return this.values;
  }

  protected render(): JSX.Element {
    return <SubmitForm {...this.props} onChange={v => (this.values = v)} />;
  }
}
